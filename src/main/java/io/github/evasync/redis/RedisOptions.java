package io.github.evasync.redis;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.tls.TlsOptions;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Options of {@link RedisClient#connect(io.github.evasync.EventLoop, String, RedisOptions)}:
 * immutable, built by chaining from {@link #defaults()}. A duration over 100 years counts as 100
 * years, which is never in practice.
 * <pre>{@code
 * RedisOptions o = RedisOptions.defaults().clientName("worker-1").commandTimeout(Duration.ofSeconds(5));
 * }</pre>
 */
public final class RedisOptions {
    /** The default {@link #maxReplyBytes(long)}: 512 MiB, Redis's own limit on a string. */
    public static final long DEFAULT_MAX_REPLY_BYTES = 512L * 1024 * 1024;
    /** The default {@link #queueLimit(int)}. */
    public static final int DEFAULT_QUEUE_LIMIT = 1 << 17;
    /** The largest {@link #queueLimit(int)}. */
    public static final int MAX_QUEUE_LIMIT = 1 << 24;
    /** The default {@link #queueBytesLimit(long)}: 64 MiB. */
    public static final long DEFAULT_QUEUE_BYTES_LIMIT = 64L * 1024 * 1024;
    /** The largest {@link #maxReplyBytes(long)}: the largest array a Java VM can make. */
    public static final long MAX_MAX_REPLY_BYTES = Integer.MAX_VALUE - 8;
    /** The default {@link #keepAlive(Duration)}: 60 s. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);

    private static final RedisOptions DEFAULTS = new RedisOptions(Duration.ofSeconds(10), Duration.ofSeconds(60),
            true, Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(10), DEFAULT_QUEUE_LIMIT,
            DEFAULT_MAX_REPLY_BYTES, null, 2, null, null, null, DEFAULT_QUEUE_BYTES_LIMIT, DEFAULT_KEEP_ALIVE);

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
    private final long queueBytesLimit;
    private final Duration keepAlive;

    private RedisOptions(Duration connectTimeout, Duration commandTimeout, boolean reconnect,
                         Duration reconnectDelayMin, Duration reconnectDelayMax, Duration reconnectWait,
                         int queueLimit, long maxReplyBytes, String clientName, int protocol,
                         EventHandler eventHandler, Consumer<List<Object>> pushHandler, TlsOptions tls,
                         long queueBytesLimit, Duration keepAlive) {
        // Over 100 years is "never", as for sockets: a deadline in nanoseconds holds 292 years,
        // and a longer wait overflowed it (an ArithmeticException at connect, a back-off that
        // went negative and ended the reconnecting for good).
        this.connectTimeout = Scratch.clamp(connectTimeout);
        this.commandTimeout = commandTimeout == null ? null : Scratch.clamp(commandTimeout);
        this.reconnect = reconnect;
        this.reconnectDelayMin = Scratch.clamp(reconnectDelayMin);
        this.reconnectDelayMax = Scratch.clamp(reconnectDelayMax);
        this.reconnectWait = Scratch.clamp(reconnectWait);
        this.queueLimit = queueLimit;
        this.maxReplyBytes = maxReplyBytes;
        this.clientName = clientName;
        this.protocol = protocol;
        this.eventHandler = eventHandler;
        this.pushHandler = pushHandler;
        this.tls = tls;
        this.queueBytesLimit = queueBytesLimit;
        this.keepAlive = keepAlive;
    }

    /**
     * {@return the defaults: connect timeout 10 s, command timeout 60 s, reconnect on with a
     * back-off from 100 ms doubling to 10 s, commands issued while reconnecting wait up to 10 s,
     * a queue of {@value #DEFAULT_QUEUE_LIMIT} commands and 64 MiB, replies up to 512 MiB, RESP2,
     * TCP keep-alive after 60 s idle, no client name, no handlers, the system's CA store for
     * {@code rediss://}}
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
                pushHandler, tls, queueBytesLimit, keepAlive);
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
                eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
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
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
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
                maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
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
                wait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
    }

    /**
     * The most commands a client holds, unsent and unanswered together (each command of a
     * transaction counts, and MULTI and EXEC). Beyond it a command issued on the loop thread
     * fails at once with a {@code RedisError} saying the queue is full, and one issued on another
     * thread waits (up to the command timeout) until there is room: memory stays bounded however
     * fast a caller issues commands.
     *
     * <p>A transaction holds its commands together, so one of more than {@code queueLimit}
     * commands (MULTI and EXEC included) can never be admitted: its future fails at once with a
     * {@code RedisError}. See also {@link #queueBytesLimit(long)}, which bounds the same queue in bytes.
     *
     * @param limit 1 to {@value #MAX_QUEUE_LIMIT}
     * @return options with this limit
     */
    public RedisOptions queueLimit(int limit) {
        if (limit < 1 || limit > MAX_QUEUE_LIMIT) {
            throw new IllegalArgumentException("queueLimit must be 1 to " + MAX_QUEUE_LIMIT + ": " + limit);
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, limit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
    }

    /**
     * The most bytes of encoded commands a client holds, unsent and unanswered together: with
     * {@link #queueLimit(int)}, what bounds the client's memory when commands carry large values
     * ({@code queueLimit} commands of 1 MiB each would otherwise be allowed). A command that
     * would take the queue over it is refused or waits exactly as one beyond {@code queueLimit}
     * does; a single command larger than the limit is still admitted when the queue is empty, so
     * a large value can always be sent, one at a time.
     *
     * @param limit at least 1 byte
     * @return options with this limit
     */
    public RedisOptions queueBytesLimit(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("queueBytesLimit must be at least 1: " + limit);
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls,
                limit, keepAlive);
    }

    /**
     * TCP keep-alive on the client's sockets ({@code TcpOptions.keepAlive}): after this long
     * without traffic the kernel probes the peer, so a server that vanished without a word (a
     * half-open connection: a crashed host, a dropped NAT entry) is found and the connection made
     * again. It matters most for the pub/sub connection, which only listens.
     *
     * @param idle a positive duration of at most what {@code TcpOptions.keepAlive} takes (whole
     *     seconds; a part of a second counts as one), or null to leave keep-alive off
     * @return options with this setting
     */
    public RedisOptions keepAlive(Duration idle) {
        if (idle != null) {
            positive(idle, "keepAlive");
            io.github.evasync.tcp.TcpOptions.defaults().keepAlive(idle); // its own bounds, named in its message
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls,
                queueBytesLimit, idle);
    }

    /**
     * The largest reply accepted, counted in bytes on the wire and, separately, in the memory
     * its Java values take (estimated as it is read: a reply of many small elements takes several
     * times its wire size as objects, an empty set on the wire's four bytes about a hundred); a
     * reply over either is refused before it is read into memory: the connection closes with a
     * {@code RedisError} (and is made again when reconnecting is on).
     *
     * @param max 16 bytes to {@value #MAX_MAX_REPLY_BYTES} (a reply is read into Java arrays)
     * @return options with this limit
     */
    public RedisOptions maxReplyBytes(long max) {
        if (max < 16 || max > MAX_MAX_REPLY_BYTES) {
            throw new IllegalArgumentException("maxReplyBytes must be 16 to " + MAX_MAX_REPLY_BYTES + ": " + max);
        }
        return new RedisOptions(connectTimeout, commandTimeout, reconnect, reconnectDelayMin, reconnectDelayMax,
                reconnectWait, queueLimit, max, clientName, protocol, eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
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
                reconnectWait, queueLimit, maxReplyBytes, name, protocol, eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
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
                reconnectWait, queueLimit, maxReplyBytes, clientName, version, eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
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
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, handler, pushHandler, tls, queueBytesLimit, keepAlive);
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
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, handler, tls, queueBytesLimit, keepAlive);
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
                reconnectWait, queueLimit, maxReplyBytes, clientName, protocol, eventHandler, pushHandler, tls, queueBytesLimit, keepAlive);
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

    /** {@return the most bytes of commands held unsent and unanswered} */
    public long queueBytesLimit() {
        return queueBytesLimit;
    }

    /** {@return the TCP keep-alive idle time, or null when off} */
    public Duration keepAlive() {
        return keepAlive;
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
