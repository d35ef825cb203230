/*
 * Umbrella header for evasync's raw libevent 2.1 bindings.
 * jextract reads this file; includes.txt selects what is generated from it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>
#include <netdb.h>
#include <event2/event.h>
#include <event2/bufferevent.h>
/* struct bufferevent's layout: a TLS socket wakes its own read event (internal/ffi/TlsConnection). */
#include <event2/event_struct.h>
#include <event2/bufferevent_struct.h>
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
/*
 * recvmmsg, sendmmsg and struct mmsghdr: glibc declares them only under _GNU_SOURCE, which also
 * turns every sockaddr parameter of <sys/socket.h> into a transparent union that jextract cannot
 * bind. These are glibc's own declarations (and musl's), repeated here without the macro.
 */
struct mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};
int recvmmsg(int fd, struct mmsghdr *vmessages, unsigned int vlen, int flags, struct timespec *tmo);
int sendmmsg(int fd, struct mmsghdr *vmessages, unsigned int vlen, int flags);
