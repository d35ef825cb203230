package io.github.evasync.redis;

import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.internal.redis.Clients;
import io.github.evasync.tls.TlsOptions;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A Redis client on an event loop: one connection on which commands are pipelined, and, from the
 * first {@link #subscribe}, a second one for pub/sub.
 * <pre>{@code
 * RedisClient redis = RedisClient.connect(loop, "redis://localhost:6379/0");
 * redis.set("greeting", "hello").thenCompose(ok -> redis.get("greeting"))
 *      .thenAccept(v -> System.out.println(new String(v, UTF_8)));
 * }</pre>
 *
 * <h2>Replies</h2>
 * A reply is a {@code String} (simple string such as {@code "OK"}), {@code byte[]} (bulk
 * string), {@code Long} (integer), {@code List<Object>} (array), or null (null bulk, null array,
 * RESP3 null). With {@link RedisOptions#protocol(int) RESP3} also {@code Map<Object,Object>}
 * (map), {@code Set<Object>} (set; in maps and sets bulk-string keys and members become UTF-8
 * {@code String}s, so that they compare by value), {@code Double}, {@code Boolean},
 * {@code BigInteger} (big number) and {@code String} (verbatim string, its format dropped);
 * pushes go to the subscriptions or to {@link RedisOptions#pushHandler}. An error reply fails
 * the future (or goes to the callback form's {@code EventHandler}) as a
 * {@link io.github.evasync.RedisError} whose {@code errmsg()} is the server's text; an error
 * inside an array (EXEC's results) is a {@code RedisError} element.
 *
 * <h2>Pipelining and back-pressure</h2>
 * Commands issued without waiting for each other are pipelined: everything issued during one
 * loop turn goes out in one socket write at the end of the turn, and replies are matched in order.
 * While the socket's output is above its high watermark nothing more is written; commands wait in
 * the client, at most {@link RedisOptions#queueLimit(int)} of them unsent and unanswered. Beyond
 * that limit a command issued on the loop thread fails at once with a {@code RedisError} ("queue
 * full"), and one issued on another thread waits for room (up to the command timeout), so a
 * caller that issues a million commands cannot grow memory without bound.
 *
 * <h2>Connection</h2>
 * {@link #connect} returns at once; commands issued before the connection is ready wait for it.
 * On connect the client authenticates (the URI's password, and user), names itself
 * ({@link RedisOptions#clientName}) and selects the URI's database, before any command. A
 * connection that cannot be made the first time closes the client (its commands fail). A
 * connection lost later fails the commands in flight with a {@code RedisError} (they may or may
 * not have run) and, unless {@link RedisOptions#reconnect(boolean)} is off, is made again with a
 * back-off; commands issued meanwhile wait up to {@link RedisOptions#reconnectWait(java.time.Duration)}.
 * A malformed reply closes the connection with a {@code RedisError} naming the byte offset.
 *
 * <h2>Threads</h2>
 * Every method is safe from any thread. Replies, callbacks and messages run on the loop thread
 * (a future's dependent stages too, when it completes there). A command issued from another
 * thread is encoded on that thread (so its arrays may be reused at once) and carried to the loop
 * without waiting; only a full queue makes such a thread wait, and the loop thread never waits.
 */
public interface RedisClient extends AutoCloseable {
    /**
     * Connects with default options.
     *
     * @param loop the loop the client lives on
     * @param uri {@code redis://[[user]:password@]host[:port][/db]}, {@code rediss://...} (TLS)
     *        or {@code unix://[[user]:password@]/path[?db=N]} (local socket)
     * @return the client, connecting
     * @throws IllegalArgumentException for a malformed URI, or a {@code unix://} path longer than
     *         a socket address holds (107 bytes)
     */
    static RedisClient connect(EventLoop loop, String uri) {
        return Clients.connect(loop, uri, RedisOptions.defaults());
    }

    /**
     * Connects to a {@code rediss://} URI with chosen TLS settings (a private CA, say).
     *
     * @param loop the loop the client lives on
     * @param uri the URI
     * @param tls client settings ({@link TlsOptions#client()})
     * @return the client, connecting
     */
    static RedisClient connect(EventLoop loop, String uri, TlsOptions tls) {
        return Clients.connect(loop, uri, RedisOptions.defaults().tls(tls));
    }

    /**
     * Connects with options.
     *
     * @param loop the loop the client lives on
     * @param uri the URI
     * @param options the options
     * @return the client, connecting
     */
    static RedisClient connect(EventLoop loop, String uri, RedisOptions options) {
        return Clients.connect(loop, uri, options);
    }

    /**
     * {@return a future completed with this client once its first connection is up and the
     * handshake done, or failed with a {@code RedisError} when it could not be made}
     */
    CompletableFuture<RedisClient> ready();

    /**
     * Sends a command.
     *
     * <p>Commands that would break the connection every caller shares are refused: the
     * pub/sub ones ({@code SUBSCRIBE}, {@code PSUBSCRIBE}, {@code SSUBSCRIBE} and their
     * {@code UNSUBSCRIBE}s: use {@link #subscribe}), {@code MONITOR}, {@code CLIENT REPLY OFF|SKIP},
     * {@code MULTI}/{@code EXEC}/{@code DISCARD} (use {@link #multi()}), {@code SELECT} and
     * {@code AUTH} (give the database, user and password in the URI), {@code HELLO} with arguments (use {@code RedisOptions.protocol}),
     * {@code RESET}, {@code QUIT} (use {@link #close()}), {@code SYNC} and {@code PSYNC}. Names
     * are matched without regard to case. The other forms of {@code command} refuse the same.
     * {@code WATCH} is sent, and holds for the connection: it guards the next transaction any
     * caller sends, and a reconnect forgets it.
     *
     * @param args the command and its arguments, sent as UTF-8
     * @return its reply
     * @throws IllegalArgumentException for a refused command, naming it and what to use instead
     */
    CompletableFuture<Object> command(String... args);

    /**
     * Sends a command with binary arguments.
     *
     * @param args the command and its arguments
     * @return its reply
     * @throws IllegalArgumentException for a refused command (see {@link #command(String...)})
     */
    CompletableFuture<Object> command(byte[]... args);

    /**
     * Sends a command; its reply goes to {@code callback} on the loop thread, an error (the
     * server's error reply, a lost connection, a timeout) to {@code handler}. With
     * {@code catchAppErrors}, what {@code callback} throws goes to {@code handler} too.
     *
     * @param callback receives the reply
     * @param handler receives a {@code RedisError}, or null for the loop's default handler
     * @param args the command and its arguments, sent as UTF-8
     * @throws IllegalArgumentException for a refused command (see {@link #command(String...)})
     */
    void command(ReplyCallback callback, EventHandler handler, String... args);

    /**
     * The callback form with binary arguments.
     *
     * @param callback receives the reply
     * @param handler receives a {@code RedisError}, or null for the loop's default handler
     * @param args the command and its arguments
     * @throws IllegalArgumentException for a refused command (see {@link #command(String...)})
     */
    void command(ReplyCallback callback, EventHandler handler, byte[]... args);

    /**
     * {@code GET key}.
     *
     * @param key the key
     * @return the value, or null when the key does not exist
     */
    CompletableFuture<byte[]> get(String key);

    /**
     * {@code SET key value}, the value as UTF-8.
     *
     * @param key the key
     * @param value the value
     * @return the reply, {@code "OK"}
     */
    CompletableFuture<String> set(String key, String value);

    /**
     * {@code SET key value}.
     *
     * @param key the key
     * @param value the value
     * @return the reply, {@code "OK"}
     */
    CompletableFuture<String> set(String key, byte[] value);

    /**
     * {@code SET key value [EX s|PX ms] [NX|XX]}.
     *
     * @param key the key
     * @param value the value, as UTF-8
     * @param options expiry and condition
     * @return {@code "OK"}, or null when {@code NX}/{@code XX} kept it from being set
     */
    CompletableFuture<String> set(String key, String value, SetOptions options);

    /**
     * {@code SET key value [EX s|PX ms] [NX|XX]}.
     *
     * @param key the key
     * @param value the value
     * @param options expiry and condition
     * @return {@code "OK"}, or null when {@code NX}/{@code XX} kept it from being set
     */
    CompletableFuture<String> set(String key, byte[] value, SetOptions options);

    /**
     * {@code DEL key...}.
     *
     * @param keys at least one key
     * @return how many keys were removed
     */
    CompletableFuture<Long> del(String... keys);

    /**
     * {@code INCR key}.
     *
     * @param key the key
     * @return the value after the increment
     */
    CompletableFuture<Long> incr(String key);

    /**
     * {@code PUBLISH channel message}, the message as UTF-8.
     *
     * @param channel the channel
     * @param message the message
     * @return how many subscribers received it
     */
    CompletableFuture<Long> publish(String channel, String message);

    /**
     * {@code PUBLISH channel message}.
     *
     * @param channel the channel
     * @param message the message
     * @return how many subscribers received it
     */
    CompletableFuture<Long> publish(String channel, byte[] message);

    /**
     * Subscribes to a channel on the client's subscriber connection (made on first use, and
     * made again, with every subscription, after it is lost). {@code onMessage} gets the channel
     * and each message, on the loop thread; with {@code catchAppErrors} what it throws goes to
     * {@link RedisOptions#eventHandler}.
     *
     * @param channel the channel
     * @param onMessage receives (channel, message)
     * @return the subscription; {@link RedisSubscription#ready()} completes once confirmed
     */
    RedisSubscription subscribe(String channel, BiConsumer<String, byte[]> onMessage);

    /**
     * Subscribes to the channels matching a glob pattern ({@code PSUBSCRIBE}); as
     * {@link #subscribe}, {@code onMessage} gets the channel each message came on.
     *
     * @param pattern the pattern, such as {@code news.*}
     * @param onMessage receives (channel, message)
     * @return the subscription
     */
    RedisSubscription psubscribe(String pattern, BiConsumer<String, byte[]> onMessage);

    /** {@return a new transaction to fill and then {@link RedisTransaction#exec()}} */
    RedisTransaction multi();

    /** {@return whether the command connection is up (handshake done) now} */
    boolean isConnected();

    /** {@return whether {@link #close()} was called or the client closed itself} */
    boolean isClosed();

    /**
     * Closes both connections at once. Commands not yet answered fail with a {@code RedisError};
     * later commands too; subscriptions end. Idempotent; safe from any thread, never waits.
     */
    @Override
    void close();
}
