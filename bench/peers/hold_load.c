/*
 * Held-connection load for bench/load.sh (cl-async's delayed-response shape): opens CONNS
 * connections to 127.0.0.1:PORT from source addresses 127.0.0.2 and up (so ephemeral ports
 * never run out), sends one request on each, prints "held N" once all are open, then waits
 * for the answers and prints how many came back.
 * Build: gcc -O2 -o hold_load hold_load.c
 * Usage: hold_load PORT CONNS TIMEOUT_SECONDS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s PORT CONNS TIMEOUT_SECONDS\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]), conns = atoi(argv[2]), timeout = atoi(argv[3]);
    const char req[] = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";
    struct pollfd *pfds = calloc(conns, sizeof *pfds);
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    for (int i = 0; i < conns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
            perror("socket");
            return 1;
        }
        struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
        src.sin_addr.s_addr = htonl(0x7f000002 + i / 10000);
        if (bind(fd, (struct sockaddr *) &src, sizeof src) != 0) {
            perror("bind");
            return 1;
        }
        if (connect(fd, (struct sockaddr *) &dst, sizeof dst) != 0) {
            perror("connect");
            return 1;
        }
        if (write(fd, req, sizeof req - 1) != sizeof req - 1) {
            perror("write");
            return 1;
        }
        pfds[i].fd = fd;
        pfds[i].events = POLLIN;
    }
    printf("held %d\n", conns);
    fflush(stdout);
    int answered = 0;
    time_t end = time(NULL) + timeout;
    char buf[4096];
    while (answered < conns && time(NULL) < end) {
        int n = poll(pfds, conns, 1000);
        for (int i = 0; n > 0 && i < conns; i++) {
            if (pfds[i].fd >= 0 && pfds[i].revents) {
                ssize_t r = read(pfds[i].fd, buf, sizeof buf);
                if (r <= 0) {
                    close(pfds[i].fd);
                    pfds[i].fd = -1;
                    answered++;
                }
            }
        }
    }
    printf("answered %d\n", answered);
    return 0;
}
