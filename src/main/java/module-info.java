/**
 * evasync: asynchronous I/O on libevent 2.1 in the style of cl-async.
 *
 * <p>{@code io.github.evasync} holds the loop, events, options, stats and every condition;
 * the domain packages hold TCP, DNS, HTTP, signals, datagrams and the Redis driver.
 */
module io.github.evasync {
    // API
    exports io.github.evasync;
    exports io.github.evasync.tcp;
    exports io.github.evasync.dns;
    exports io.github.evasync.signal;
    exports io.github.evasync.http;
    exports io.github.evasync.tls;
    exports io.github.evasync.udp;
    exports io.github.evasync.redis;

    // Internal: io.github.evasync.internal.* (generated bindings, native layer, loop core) is not exported.
}
