package io.github.evasync.internal.redis;

import io.github.evasync.RedisError;
import io.github.evasync.redis.RedisSubscription;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/** One subscription of a client, held by its {@link Subscriber}. */
final class Subscription implements RedisSubscription {
    private final ClientImpl client;
    private final String channel;
    private final boolean pattern;
    final BiConsumer<String, byte[]> onMessage;
    private final CompletableFuture<RedisSubscription> ready = new CompletableFuture<>();
    private volatile boolean active = true;
    /** Whether the server confirmed it on the current connection (loop thread). */
    boolean confirmed;

    Subscription(ClientImpl client, String channel, boolean pattern, BiConsumer<String, byte[]> onMessage) {
        this.client = client;
        this.channel = channel;
        this.pattern = pattern;
        this.onMessage = onMessage;
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public boolean isPattern() {
        return pattern;
    }

    @Override
    public CompletableFuture<RedisSubscription> ready() {
        return ready;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public void unsubscribe() {
        if (active) {
            // Inactive at once, from any thread: no message is delivered after this returns.
            active = false;
            client.unsubscribe(this);
        }
    }

    /** The server confirmed it (loop thread). */
    void confirm() {
        confirmed = true;
        ready.complete(this);
    }

    /** It ended: unsubscribed, or its connection closed for good (loop thread). */
    void end(RedisError cause) {
        active = false;
        confirmed = false;
        ready.completeExceptionally(cause);
    }

    /** Marks it unsubscribed (loop thread). */
    void deactivate() {
        active = false;
        if (!ready.isDone()) {
            ready.completeExceptionally(new RedisError(-1, "unsubscribed before the server confirmed", false));
        }
    }

    @Override
    public String toString() {
        return (pattern ? "psubscribe " : "subscribe ") + channel + (active ? "" : " (ended)");
    }
}
