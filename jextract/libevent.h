/*
 * Umbrella header for evasync's raw libevent 2.1 bindings.
 * jextract reads this file; libevent.full.symbols selects what is generated from it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netdb.h>
#include <event2/event.h>
#include <event2/bufferevent.h>
#include <event2/buffer.h>
#include <event2/listener.h>
#include <event2/dns.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <signal.h>
#include <errno.h>
