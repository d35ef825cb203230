/**
 * A Redis driver on evasync's own TCP and TLS sockets (the first of the drivers cl-async's
 * README asks for): {@link io.github.evasync.redis.RedisClient} with its immutable
 * {@link io.github.evasync.redis.RedisOptions}, the callback form's
 * {@link io.github.evasync.redis.ReplyCallback}, pub/sub's
 * {@link io.github.evasync.redis.RedisSubscription}, MULTI/EXEC's
 * {@link io.github.evasync.redis.RedisTransaction} and SET's
 * {@link io.github.evasync.redis.SetOptions}; failures are
 * {@link io.github.evasync.RedisError}s. RESP2 and RESP3 are spoken; commands are pipelined, one
 * socket write per loop turn.
 *
 * <h2>Threads</h2>
 * A client lives on one loop, and its replies, callbacks and messages run on that loop's thread.
 * Every method may be called from any thread: from a thread that is not the loop's, a command is
 * encoded on the caller's thread and carried over without waiting (only a full queue makes it
 * wait, and never on another loop's thread), {@code close} and {@code unsubscribe} return at
 * once, and {@code connect} and {@code subscribe} are carried over and wait for their object.
 * Nothing waits on the loop thread.
 */
package io.github.evasync.redis;
