/*
 * The C libevent peer for bench/load.sh: one event loop, bufferevents, no threads.
 *   c_server http PORT          answers each request (ends with CRLFCRLF) with a fixed keep-alive response
 *   c_server echo PORT          echoes what arrives
 *   c_server hold PORT DELAY_MS on data, waits DELAY_MS, answers once and closes (cl-async's benchmark)
 * Build: gcc -O2 -o c_server c_server.c -levent_core
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char RESPONSE[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, World!";
static const char HOLD_RESPONSE[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nomglolwtf";
static int mode; /* 0 http, 1 echo, 2 hold */
static struct timeval hold_delay;
static struct event_base *base;

static void close_after_write(struct bufferevent *bev, void *ctx) {
    if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) bufferevent_free(bev);
}

static void hold_fire(evutil_socket_t fd, short what, void *arg) {
    struct bufferevent *bev = arg;
    bufferevent_write(bev, HOLD_RESPONSE, sizeof(HOLD_RESPONSE) - 1);
    bufferevent_setcb(bev, NULL, close_after_write, NULL, NULL);
}

static void on_read(struct bufferevent *bev, void *ctx) {
    struct evbuffer *in = bufferevent_get_input(bev);
    if (mode == 1) {
        bufferevent_write_buffer(bev, in);
    } else if (mode == 0) {
        struct evbuffer_ptr p;
        evbuffer_ptr_set(in, &p, 0, EVBUFFER_PTR_SET);
        for (;;) {
            p = evbuffer_search(in, "\r\n\r\n", 4, &p);
            if (p.pos < 0) break;
            evbuffer_drain(in, p.pos + 4);
            bufferevent_write(bev, RESPONSE, sizeof(RESPONSE) - 1);
            evbuffer_ptr_set(in, &p, 0, EVBUFFER_PTR_SET);
        }
    } else {
        evbuffer_drain(in, evbuffer_get_length(in));
        bufferevent_disable(bev, EV_READ);
        event_base_once(base, -1, EV_TIMEOUT, hold_fire, bev, &hold_delay);
    }
}

static void on_event(struct bufferevent *bev, short what, void *ctx) {
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) bufferevent_free(bev);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *ctx) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct bufferevent *bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(bev, on_read, NULL, on_event, NULL);
    bufferevent_enable(bev, EV_READ);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s http|echo|hold PORT [DELAY_MS]\n", argv[0]);
        return 2;
    }
    mode = strcmp(argv[1], "http") == 0 ? 0 : strcmp(argv[1], "echo") == 0 ? 1 : 2;
    long delay = argc > 3 ? atol(argv[3]) : 5000;
    hold_delay.tv_sec = delay / 1000;
    hold_delay.tv_usec = (delay % 1000) * 1000;
    signal(SIGPIPE, SIG_IGN);
    base = event_base_new();
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(0x7f000001);
    sin.sin_port = htons(atoi(argv[2]));
    struct evconnlistener *l = evconnlistener_new_bind(base, on_accept, NULL,
            LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 4096, (struct sockaddr *) &sin, sizeof sin);
    if (!l) {
        perror("bind");
        return 1;
    }
    printf("c_server %s listening on 127.0.0.1:%s\n", argv[1], argv[2]);
    fflush(stdout);
    event_base_dispatch(base);
    return 0;
}
