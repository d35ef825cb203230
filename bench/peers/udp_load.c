/*
 * UDP echo load for bench/udp.sh: SENDERS sockets, each connected to the server, keep up to
 * WINDOW datagrams of SIZE bytes outstanding; every echo that comes back sends the next. A sender
 * that hears nothing for 50 ms (datagrams lost in a full buffer) starts its window again. Runs
 * SECONDS, or until MAX datagrams came back (0: no bound), then prints
 *   echoed_per_s N echoed M sent S
 *   udp_load PORT SENDERS SIZE WINDOW SECONDS [MAX]
 * Build: gcc -O2 -o udp_load udp_load.c
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SENDERS 256

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: udp_load PORT SENDERS SIZE WINDOW SECONDS [MAX]\n");
        return 2;
    }
    int port = atoi(argv[1]), senders = atoi(argv[2]), size = atoi(argv[3]), window = atoi(argv[4]);
    double seconds = atof(argv[5]);
    long max = argc > 6 ? atol(argv[6]) : 0;
    if (senders < 1 || senders > MAX_SENDERS || size < 1 || size > 65507 || window < 1) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t) port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct pollfd fds[MAX_SENDERS];
    int outstanding[MAX_SENDERS];
    double heard[MAX_SENDERS];
    char *buf = calloc(1, 65536);
    long sent = 0, echoed = 0;
    double start = now();
    for (int i = 0; i < senders; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &to, sizeof to) != 0) {
            perror("socket");
            return 1;
        }
        fds[i].fd = fd;
        fds[i].events = POLLIN;
        outstanding[i] = 0;
        heard[i] = start;
    }
    double end = start + seconds;
    while (now() < end && (max == 0 || echoed < max)) {
        double t = now();
        for (int i = 0; i < senders; i++) {
            if (outstanding[i] > 0 && t - heard[i] > 0.05) {
                outstanding[i] = 0; /* lost: start the window again */
                heard[i] = t;
            }
            while (outstanding[i] < window) {
                if (send(fds[i].fd, buf, (size_t) size, 0) < 0) {
                    break;
                }
                outstanding[i]++;
                sent++;
            }
        }
        if (poll(fds, (nfds_t) senders, 10) <= 0) {
            continue;
        }
        t = now();
        for (int i = 0; i < senders; i++) {
            if (!(fds[i].revents & (POLLIN | POLLERR))) {
                continue;
            }
            for (;;) {
                ssize_t n = recv(fds[i].fd, buf, 65536, 0);
                if (n < 0) {
                    break;
                }
                echoed++;
                heard[i] = t;
                if (outstanding[i] > 0) {
                    outstanding[i]--;
                }
            }
        }
    }
    double took = now() - start;
    printf("echoed_per_s %.0f echoed %ld sent %ld\n", (double) echoed / took, echoed, sent);
    return 0;
}
