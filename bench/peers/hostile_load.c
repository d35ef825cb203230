/*
 * Hostile HTTP clients for bench/hostile.sh: DRIP connections each send a request head that
 * announces a 1 MB body, then one body byte per connection every second (slowloris on the
 * body); PIPE connections each pipeline GET requests as fast as the kernel takes them and never
 * read an answer. Prints "hostile ready" once all are open, then keeps dripping until SECONDS
 * have passed, and exits (closing everything).
 * Build: gcc -O2 -o hostile_load hostile_load.c
 * Usage: hostile_load PORT DRIP PIPE SECONDS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int open_conn(int port, int i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    /* Source addresses from 127.0.0.3 up, apart from wrk's, so ports never run short. */
    struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
    src.sin_addr.s_addr = htonl(0x7f000003 + i / 10000);
    if (bind(fd, (struct sockaddr *) &src, sizeof src) != 0) {
        perror("bind");
        exit(1);
    }
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    if (connect(fd, (struct sockaddr *) &dst, sizeof dst) != 0) {
        perror("connect");
        exit(1);
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s PORT DRIP PIPE SECONDS\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]), drip = atoi(argv[2]), pipe_n = atoi(argv[3]), seconds = atoi(argv[4]);
    signal(SIGPIPE, SIG_IGN); /* the server closes what it gives up on: keep going with the rest */
    const char head[] = "POST /upload HTTP/1.1\r\nHost: bench\r\nContent-Length: 1000000\r\n\r\n";
    const char get[] = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";
    char burst[64 * sizeof get];
    for (int k = 0; k < 64; k++) {
        memcpy(burst + k * (sizeof get - 1), get, sizeof get - 1);
    }
    size_t burst_len = 64 * (sizeof get - 1);
    int *d = calloc(drip, sizeof *d), *p = calloc(pipe_n, sizeof *p);
    for (int i = 0; i < drip; i++) {
        d[i] = open_conn(port, i);
        if (write(d[i], head, sizeof head - 1) < 0) {
            perror("write head");
        }
    }
    for (int i = 0; i < pipe_n; i++) {
        p[i] = open_conn(port, drip + i);
    }
    printf("hostile ready drip=%d pipe=%d\n", drip, pipe_n);
    fflush(stdout);
    long piped = 0;
    time_t end = time(NULL) + seconds;
    while (time(NULL) < end) {
        for (int i = 0; i < pipe_n; i++) {
            /* Until the kernel takes no more: the server must stop reading, or buffer for ever. */
            for (int k = 0; k < 16; k++) {
                ssize_t n = write(p[i], burst, burst_len);
                if (n <= 0) {
                    break;
                }
                piped += n;
            }
        }
        for (int i = 0; i < drip; i++) {
            if (write(d[i], "x", 1) < 0 && errno != EAGAIN) {
                /* The server closed it (a body timeout): fine, it is counted below. */
            }
        }
        sleep(1);
    }
    printf("hostile done piped_bytes=%ld\n", piped);
    return 0;
}
