package io.github.evasync.redis;

import java.util.concurrent.CompletableFuture;

/**
 * A subscription to a channel ({@link RedisClient#subscribe}) or a pattern
 * ({@link RedisClient#psubscribe}), on the client's subscriber connection. It lasts until
 * {@link #unsubscribe()} or the client closes, across reconnects (the connection subscribes
 * again once it is back). Safe from any thread.
 */
public interface RedisSubscription {
    /** {@return the channel, or the pattern of a pattern subscription} */
    String channel();

    /** {@return whether this subscribes to a pattern ({@code PSUBSCRIBE})} */
    boolean isPattern();

    /**
     * {@return a future completed once the server has confirmed the subscription (messages
     * published after that reach it), or failed with a {@code RedisError} when it could not be
     * made}
     */
    CompletableFuture<RedisSubscription> ready();

    /** {@return whether it still receives messages: not unsubscribed, client not closed} */
    boolean isActive();

    /**
     * Stops the messages; when no subscription of the client is left on its channel or pattern
     * the server is told, and when none at all the subscriber connection closes. Idempotent,
     * returns at once.
     */
    void unsubscribe();
}
