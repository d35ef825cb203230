/*
 * The C libevent side of bench/udp.sh: a UDP echo server as a plain libevent program writes it,
 * one persistent EV_READ event on the socket and, per wakeup, recvfrom/sendto per datagram until
 * EAGAIN (at most 64, so one wakeup cannot run for ever).
 *   c_udp_echo PORT
 * Build: gcc -O2 -o c_udp_echo c_udp_echo.c -levent_core
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_read(evutil_socket_t fd, short what, void *arg) {
    (void) what;
    (void) arg;
    char buf[65536];
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *) &from, &len);
        if (n < 0) {
            return; /* EAGAIN, or an ICMP error: nothing more now */
        }
        sendto(fd, buf, (size_t) n, MSG_DONTWAIT, (struct sockaddr *) &from, len);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: c_udp_echo PORT\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t) atoi(argv[1]));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sin, sizeof sin) != 0) {
        perror("bind");
        return 1;
    }
    struct event_base *base = event_base_new();
    struct event *ev = event_new(base, fd, EV_READ | EV_PERSIST, on_read, NULL);
    event_add(ev, NULL);
    printf("c udp echo listening on 127.0.0.1:%s\n", argv[1]);
    fflush(stdout);
    event_base_dispatch(base);
    return 0;
}
