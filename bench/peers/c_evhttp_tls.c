/*
 * The C peer of bench/tls.sh: c_evhttp.c's HTTP hello world over TLS 1.3, on one event loop,
 * each accepted connection a bufferevent_openssl made by evhttp_set_bevcb.
 * Build: gcc -O2 -o c_evhttp_tls c_evhttp_tls.c -levent_core -levent_extra -levent_openssl -lssl -lcrypto
 * Usage: c_evhttp_tls PORT CERT.pem KEY.pem
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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

/* One SSL per connection, freed with its bufferevent (BEV_OPT_CLOSE_ON_FREE). */
static struct bufferevent *tls_bev(struct event_base *base, void *arg) {
    SSL *ssl = SSL_new((SSL_CTX *) arg);
    return bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s PORT CERT.pem KEY.pem\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION)
        || SSL_CTX_use_certificate_chain_file(ctx, argv[2]) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[3], SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(ctx) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    struct event_base *base = event_base_new();
    struct evhttp *http = evhttp_new(base);
    evhttp_set_bevcb(http, tls_bev, ctx);
    evhttp_set_gencb(http, hello, NULL);
    struct evhttp_bound_socket *bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", atoi(argv[1]));
    if (!bound) {
        perror("bind");
        return 1;
    }
    /* TLS records go out in more than one write: without TCP_NODELAY (which Linux hands from the
       listener to every accepted socket) Nagle and delayed ACKs hold answers for 40 ms. Netty
       and evasync set it too. */
    int one = 1;
    setsockopt(evhttp_bound_socket_get_fd(bound), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    printf("c_evhttp_tls (%s) listening on 127.0.0.1:%s\n", OpenSSL_version(OPENSSL_VERSION), argv[1]);
    fflush(stdout);
    event_base_dispatch(base);
    return 0;
}
