/*
 * Umbrella header for evasync's raw libevent 2.1 bindings.
 * jextract reads this file; includes.txt selects what is generated from it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netdb.h>
#include <event2/event.h>
#include <event2/bufferevent.h>
#include <event2/buffer.h>
#include <event2/listener.h>
#include <event2/dns.h>
#include <event2/util.h>
#include <errno.h>
/* The C library calls LibC makes: descriptors, the wakeup eventfd, strerror, memory streams. */
#include <unistd.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
