/**
 * The Redis driver's implementation, not API: {@code RespParser} (incremental RESP2/RESP3
 * replies), {@code CommandWriter} (commands encoded into one buffer per turn),
 * {@code PendingQueue} (commands waiting for their replies), {@code RedisConnection} (a socket's
 * life: handshake, flush, reconnect) with {@code CommandConnection} and {@code Subscriber},
 * {@code ClientImpl}, {@code Transaction}, {@code Subscription}, {@code RedisUri},
 * {@code Transport} (the one place a URI becomes a socket) and {@code Clients}.
 *
 * <p>A pure protocol layer on the public TCP API: nothing here touches libevent or native memory.
 * Loop thread only, except where a public method carries itself over. The module does not export
 * this package; nothing here is promised to stay.
 */
package io.github.evasync.internal.redis;
