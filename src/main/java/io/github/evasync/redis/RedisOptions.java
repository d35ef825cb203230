package io.github.evasync.redis;

import io.github.evasync.EventHandler;
import io.github.evasync.tls.TlsOptions;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Options of {@link RedisClient#connect(io.github.evasync.EventLoop, String, RedisOptions)}:
 * immutable, built by chaining from {@link #defaults()}.
 * <pre>{@code
 * RedisOptions o = RedisOptions.defaults().clientName("worker-1").commandTimeout(Duration.ofSeconds(5));
 * }</pre>
 */
public final class RedisOptions {
    /** The default {@link #maxReplyBytes(long)}: 512 MiB, Redis's own limit on a string. */
    public static final long DEFAULT_MAX_REPLY_BYTES = 512L * 1024 * 1024;
    /** The default {@link #queueLimit(int)}. */
    public static final int DEFAULT_QUEUE_LIMIT = 1 << 17;

    private static final RedisOptions DEFAULTS = new RedisOptions(Duration.ofSeconds(10), Duration.ofSeconds(60),
            true, Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(10), DEFAULT_QUEUE_LIMIT,
            DEFAULT_MAX_REPLY_BYTES, null, 2, null, null, null);

    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final boolean reconnect;
    private final Duration reconnectDelayMin;
    private final Duration reconnectDelayMax;
    private final Duration reconnectWait;
    private final int queueLimit;
    private final long maxReplyBytes;
    private final String clientName;
    private final int protocol;
    private final EventHandler eventHandler;
    private final Consumer<List<Object>> pushHandler;
    private final TlsOptions tls;

    private RedisOptions(Duration connectTimeout, Duration commandTimeout, boolean reconnect,
                         Duration reconnectDelayMin, Duration reconnectDelayMax, Duration reconnectWait,
                         int queueLimit, long maxReplyBytes, String clientName, int protocol,
                         EventHandler eventHandler, Consumer<List<Object>> pushHandler, TlsOptions tls) {
        this.connectTimeout = connectTimeout;
        this.commandTimeout = commandTimeout;
        this.reconnect = reconnect;
        this.reconnectDelayMin = reconnectDelayMin;
        this.reconnectDelayMax = reconnectDelayMax;
        this.reconnectWait = reconnectWait;
        this.queueLimit = queueLimit;
        this.maxReplyBytes = maxReplyBytes;
        this.clientName = clientName;
        this.protocol = protocol;
        this.eventHandler = eventHandler;
        this.pushHandler = pushHandler;
        this.tls = tls;
    }

    /**
     * {@return the defaults: connect timeout 10 s, command timeout 60 s, reconnect on with a
     * back-off from 100 ms doubling to 10 s, commands issued while reconnecting wait up to 10 s,
     * a queue of {@value #DEFAULT_QUEUE_LIMIT} commands, replies up to 512 MiB, RESP2, no client
     * name, no handlers, the system's CA store for {@code rediss://}}
     */
    public static RedisOptions defaults() {
        return DEFAULTS;
    }

    /**
     * How long connecting (TCP, TLS and the AUTH/HELLO/SELECT/SETNAME handshake) may take; also
     * how long a write may wait for the socket before the connection counts as lost.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public RedisOptions connectTimeout(Duration timeout) {
        return new RedisOptions(positive(timeout, "connectTimeout"), commandTimeout, reconnect, reconnectDelayMin,
                reconnectDelayMax, reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler,
                pushHandler, tls);
    }

    /**
     * How long a command may wait for its reply, counted from the call; then its future fails
     * with a {@code RedisError}. A command that was sent stays in the pipeline (its reply,
     * when it comes, is dropped): it may still have run on the server.
     *
     * @param timeout a positive duration, or null for none
     * @return options with this timeout
     */
    public RedisOptions commandTimeout(Duration timeout) {
        return new RedisOptions(connectTimeout, timeout == null ? null : positive(timeout, "commandTimeout"), reconnect,
                reconnectDelayMin, reconnectDelayMax, reconnectWait, queueLimit, maxReplyBytes, clientName, protocol,
                eventHandler, pushHandler, tls);
    }

    /**
     * Whether a connection lost after it was up is made again. The commands in flight when it was
     * lost fail with a {@code RedisError} either way; a connection that could not be made the
     * first time is never retried (the client closes, so a wrong address shows at once).
     *
     * @param reconnect whether to reconnect
     * @return options with this setting
     */
    public RedisOptions reconnect(boolean reconnect) {
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls);
    }

    /**
     * The back-off between reconnect attempts: {@code min} after a loss, doubling with each
     * failed attempt up to {@code max}.
     *
     * @param min the first delay, zero or more
     * @param max the longest delay, at least {@code min}
     * @return options with this back-off
     */
    public RedisOptions reconnectDelay(Duration min, Duration max) {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("reconnectDelay needs 0 <= min <= max: " + min + ", " + max);
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, min, max, reconnectWait, queueLimit,
                maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls);
    }

    /**
     * How long a command issued while the connection is down (being made again) waits for it,
     * counted from the call; it is sent once the connection is back, or fails with a
     * {@code RedisError} when the time is up, never sent. {@link Duration#ZERO} makes such
     * commands fail at once.
     *
     * @param wait zero or more
     * @return options with this wait
     */
    public RedisOptions reconnectWait(Duration wait) {
        Objects.requireNonNull(wait, "reconnectWait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("reconnectWait must not be negative: " + wait);
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                wait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls);
    }

    /**
     * The most commands a client holds, unsent and unanswered together (each command of a
     * transaction counts, and MULTI and EXEC). Beyond it a command issued on the loop thread
     * fails at once with a {@code RedisError} saying the queue is full, and one issued on another
     * thread waits (up to the command timeout) until there is room: memory stays bounded however
     * fast a caller issues commands.
     *
     * @param limit at least 1
     * @return options with this limit
     */
    public RedisOptions queueLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("queueLimit must be at least 1: " + limit);
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, limit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls);
    }

    /**
     * The largest reply accepted, counted in bytes on the wire; a larger one is refused before
     * it is read into memory: the connection closes with a {@code RedisError} (and is made again
     * when reconnecting is on).
     *
     * @param max at least 16 bytes
     * @return options with this limit
     */
    public RedisOptions maxReplyBytes(long max) {
        if (max < 16) {
            throw new IllegalArgumentException("maxReplyBytes must be at least 16: " + max);
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, max, clientName, protocol, eventHandler, pushHandler, tls);
    }

    /**
     * The name given with {@code CLIENT SETNAME} (in {@code HELLO} with RESP3) on every connect.
     *
     * @param name a name without spaces, or null for none
     * @return options with this name
     */
    public RedisOptions clientName(String name) {
        if (name != null && (name.isEmpty() || name.chars().anyMatch(c -> c <= ' '))) {
            throw new IllegalArgumentException("a client name is not empty and has no spaces: '" + name + "'");
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, maxReplyBytes, name, protocol, eventHandler, pushHandler, tls);
    }

    /**
     * The protocol: 2 (RESP2, the default, as every Redis speaks it) or 3 (RESP3, asked for with
     * {@code HELLO 3} on connect: maps, sets, doubles, booleans, big numbers and pushes).
     *
     * @param version 2 or 3
     * @return options with this protocol
     */
    public RedisOptions protocol(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("protocol must be 2 or 3: " + version);
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, maxReplyBytes, clientName, version, eventHandler, pushHandler, tls);
    }

    /**
     * Where the client's connection events go: each {@code RedisError} for a connection lost,
     * a malformed or refused reply, a reconnect attempt that failed, and exceptions thrown by
     * subscription and push callbacks when the loop catches application errors. Without one,
     * connection events are logged ({@code System.Logger} "io.github.evasync") and never end
     * the loop: nothing a server does may stop it.
     *
     * @param handler the handler, or null
     * @return options with this handler
     */
    public RedisOptions eventHandler(EventHandler handler) {
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, handler, pushHandler, tls);
    }

    /**
     * Receives the RESP3 pushes that arrive on the command connection (client-side caching's
     * {@code invalidate}, say), on the loop thread. Without one they are dropped.
     *
     * @param handler the handler, or null
     * @return options with this handler
     */
    public RedisOptions pushHandler(Consumer<List<Object>> handler) {
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, handler, tls);
    }

    /**
     * TLS settings for a {@code rediss://} URI (default {@link TlsOptions#client()}: the system's
     * CA store, host name checked).
     *
     * @param tls client settings, or null for the default
     * @return options with these settings
     */
    public RedisOptions tls(TlsOptions tls) {
        if (tls != null && tls.isServer()) {
            throw new IllegalArgumentException("tls must be client settings (TlsOptions.client())");
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls);
    }

    /** {@return the connect timeout} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return the command timeout, or null for none} */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** {@return whether a lost connection is made again} */
    public boolean reconnect() {
        return reconnect;
    }

    /** {@return the first reconnect delay} */
    public Duration reconnectDelayMin() {
        return reconnectDelayMin;
    }

    /** {@return the longest reconnect delay} */
    public Duration reconnectDelayMax() {
        return reconnectDelayMax;
    }

    /** {@return how long a command issued while reconnecting waits} */
    public Duration reconnectWait() {
        return reconnectWait;
    }

    /** {@return the most commands held unsent and unanswered} */
    public int queueLimit() {
        return queueLimit;
    }

    /** {@return the largest reply accepted, in bytes} */
    public long maxReplyBytes() {
        return maxReplyBytes;
    }

    /** {@return the client name, or null} */
    public String clientName() {
        return clientName;
    }

    /** {@return the protocol version, 2 or 3} */
    public int protocol() {
        return protocol;
    }

    /** {@return the connection event handler, or null} */
    public EventHandler eventHandler() {
        return eventHandler;
    }

    /** {@return the push handler, or null} */
    public Consumer<List<Object>> pushHandler() {
        return pushHandler;
    }

    /** {@return the TLS settings for {@code rediss://}, or null for the default} */
    public TlsOptions tls() {
        return tls;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}
