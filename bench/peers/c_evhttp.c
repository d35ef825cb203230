/*
 * The C libevent evhttp peer for bench/load.sh: HTTP hello world on one event loop.
 * Build: gcc -O2 -o c_evhttp c_evhttp.c -levent_core -levent_extra
 * Usage: c_evhttp PORT
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static void hello(struct evhttp_request *req, void *arg) {
    struct evbuffer *out = evbuffer_new();
    evbuffer_add(out, "Hello, World!", 13);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain");
    evhttp_send_reply(req, 200, "OK", out);
    evbuffer_free(out);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct event_base *base = event_base_new();
    struct evhttp *http = evhttp_new(base);
    evhttp_set_gencb(http, hello, NULL);
    if (!evhttp_bind_socket_with_handle(http, "127.0.0.1", atoi(argv[1]))) {
        perror("bind");
        return 1;
    }
    printf("c_evhttp listening on 127.0.0.1:%s\n", argv[1]);
    fflush(stdout);
    event_base_dispatch(base);
    return 0;
}
