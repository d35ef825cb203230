/*
 * Umbrella header for evasync's TLS bindings: OpenSSL 3 and libevent's bufferevent_openssl.
 * A second jextract run reads this file (header class LibTls); tls-includes.txt selects what
 * is generated from it. Kept apart from libevent.h so that the plain bindings never name a
 * symbol of libssl, which is loaded only when TLS is first used.
 */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <event2/bufferevent_ssl.h>
