/*
 * TCP echo load for bench/load.sh: CONNS connections to 127.0.0.1:PORT, each keeping DEPTH
 * messages of SIZE bytes in flight, for SECONDS; prints echoed messages per second.
 * Build: gcc -O2 -o echo_load echo_load.c
 * Usage: echo_load PORT CONNS DEPTH SIZE SECONDS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s PORT CONNS DEPTH SIZE SECONDS\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]), conns = atoi(argv[2]), depth = atoi(argv[3]), size = atoi(argv[4]);
    double seconds = atof(argv[5]);
    char *msg = malloc(size * depth);
    memset(msg, 'x', size * depth);
    char buf[65536];
    long *pending = calloc(conns + 1024, sizeof(long));
    int ep = epoll_create1(0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    int *fds = calloc(conns, sizeof(int));
    for (int i = 0; i < conns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, (struct sockaddr *) &sin, sizeof sin) != 0) {
            perror("connect");
            return 1;
        }
        fcntl(fd, F_SETFL, O_NONBLOCK);
        fds[i] = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    /* Each connection owes SIZE*DEPTH bytes back; refill one message per message echoed. */
    for (int i = 0; i < conns; i++) {
        if (write(fds[i], msg, (size_t) size * depth) != size * depth) {
            perror("write");
            return 1;
        }
        pending[i] = 0;
    }
    long echoed = 0, counted = 0;
    double start = now(), warm = start + 1.0, end = warm + seconds;
    struct epoll_event evs[256];
    int counting = 0;
    while (1) {
        double t = now();
        if (!counting && t >= warm) {
            counting = 1;
            counted = echoed;
            start = t;
        }
        if (t >= end) break;
        int n = epoll_wait(ep, evs, 256, 100);
        for (int k = 0; k < n; k++) {
            int i = evs[k].data.u32;
            ssize_t r = read(fds[i], buf, sizeof buf);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                fprintf(stderr, "connection %d closed\n", i);
                return 1;
            }
            pending[i] += r;
            long whole = pending[i] / size;
            pending[i] %= size;
            echoed += whole;
            if (whole > 0 && write(fds[i], msg, (size_t) size * whole) < 0 && errno != EAGAIN) {
                perror("write");
                return 1;
            }
        }
    }
    double elapsed = now() - start;
    printf("echo_msgs_per_sec %.0f\n", (echoed - counted) / elapsed);
    return 0;
}
