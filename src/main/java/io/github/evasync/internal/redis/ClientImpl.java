package io.github.evasync.internal.redis;

import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.RedisError;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.redis.RedisClient;
import io.github.evasync.redis.RedisOptions;
import io.github.evasync.redis.RedisSubscription;
import io.github.evasync.redis.RedisTransaction;
import io.github.evasync.redis.ReplyCallback;
import io.github.evasync.redis.SetOptions;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@link RedisClient}: the thread rule, the command helpers and the subscriber connection, on a
 * {@link CommandConnection}. On the loop thread a command is encoded straight into the
 * connection's writer; from another thread it is encoded there, into its own array, its permit
 * taken (waiting for one if need be, unless that thread runs another loop), and carried over
 * with {@code LoopCore.execute} without waiting. Loop-thread paths make no lambdas (see
 * {@code LoopCore.call}).
 */
final class ClientImpl implements RedisClient {
    private static final byte[] GET = CommandWriter.head(2, "GET");
    private static final byte[] SET = CommandWriter.head(3, "SET");
    private static final byte[] INCR = CommandWriter.head(2, "INCR");
    private static final byte[] PUBLISH = CommandWriter.head(3, "PUBLISH");
    private static final byte[] SET_NAME = "SET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEL_NAME = "DEL".getBytes(StandardCharsets.US_ASCII);

    final LoopCore core;
    final EventLoop loop;
    final RedisUri uri;
    final RedisOptions options;
    final CommandConnection cmd;
    private final Clients.Registry registry;
    private Subscriber subscriber;

    ClientImpl(LoopCore core, EventLoop loop, RedisUri uri, RedisOptions options, Clients.Registry registry) {
        this.core = core;
        this.loop = loop;
        this.uri = uri;
        this.options = options;
        this.registry = registry;
        this.cmd = new CommandConnection(core, loop, uri, options, new Closed());
        cmd.owner = this;
    }

    void start() {
        cmd.start();
    }

    // ---- commands -----------------------------------------------------------------------------

    @Override
    public CompletableFuture<Object> command(String... args) {
        checkCommand(args);
        CompletableFuture<Object> f = new CompletableFuture<>();
        issue(f, null, PendingQueue.FUTURE, args);
        return f;
    }

    /** A typed helper's command: {@code kind} checks the reply's type before the future takes it. */
    private CompletableFuture<Object> typed(byte kind, String... args) {
        checkCommand(args);
        CompletableFuture<Object> f = new CompletableFuture<>();
        issue(f, null, kind, args);
        return f;
    }

    /** As {@link #typed(byte, String...)}, for arguments the helper made itself (none null). */
    private CompletableFuture<Object> typed(byte kind, byte[][] args) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        issue(f, null, kind, args);
        return f;
    }

    @Override
    public CompletableFuture<Object> command(byte[]... args) {
        checkCommand(args);
        CompletableFuture<Object> f = new CompletableFuture<>();
        issue(f, null, PendingQueue.FUTURE, args);
        return f;
    }

    @Override
    public void command(ReplyCallback callback, EventHandler handler, String... args) {
        Objects.requireNonNull(callback, "callback");
        checkCommand(args);
        issue(callback, handler, PendingQueue.CALLBACK, args);
    }

    @Override
    public void command(ReplyCallback callback, EventHandler handler, byte[]... args) {
        Objects.requireNonNull(callback, "callback");
        checkCommand(args);
        issue(callback, handler, PendingQueue.CALLBACK, args);
    }

    /**
     * Queues a checked command of text arguments: on the loop, encoded straight into the output;
     * from another thread, encoded there and carried over ({@link #hop}).
     */
    private void issue(Object target, EventHandler handler, byte kind, String[] args) {
        if (!core.inLoop()) {
            hop(CommandWriter.encode(args), target, handler, kind, 1);
            return;
        }
        if (cmd.admit(target, handler, kind, 1)) {
            long mark = cmd.out.position();
            try {
                CommandWriter w = cmd.out.begin(args.length);
                for (String a : args) {
                    w.arg(a);
                }
            } catch (RuntimeException | Error e) {
                cmd.abandon(mark, 1);
                throw e;
            }
            cmd.add(target, handler, kind, mark);
        }
    }

    /** As {@link #issue(Object, EventHandler, byte, String[])}, for binary arguments. */
    private void issue(Object target, EventHandler handler, byte kind, byte[][] args) {
        if (!core.inLoop()) {
            hop(CommandWriter.encode(args), target, handler, kind, 1);
            return;
        }
        if (cmd.admit(target, handler, kind, 1)) {
            long mark = cmd.out.position();
            try {
                CommandWriter w = cmd.out.begin(args.length);
                for (byte[] a : args) {
                    w.arg(a);
                }
            } catch (RuntimeException | Error e) {
                cmd.abandon(mark, 1);
                throw e;
            }
            cmd.add(target, handler, kind, mark);
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<byte[]> get(String key) {
        Objects.requireNonNull(key, "key");
        if (!core.inLoop()) {
            return (CompletableFuture) typed(PendingQueue.FUTURE_BULK, "GET", key);
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (cmd.admit(f, null, PendingQueue.FUTURE_BULK, 1)) {
            long mark = cmd.out.position();
            try {
                cmd.out.raw(GET).arg(key);
            } catch (RuntimeException | Error e) {
                cmd.abandon(mark, 1);
                throw e;
            }
            cmd.add(f, null, PendingQueue.FUTURE_BULK, mark);
        }
        return (CompletableFuture) f;
    }

    @Override
    public CompletableFuture<String> set(String key, String value) {
        Objects.requireNonNull(value, "value");
        return set(key, value, null, SetOptions.defaults());
    }

    @Override
    public CompletableFuture<String> set(String key, byte[] value) {
        Objects.requireNonNull(value, "value");
        return set(key, null, value, SetOptions.defaults());
    }

    @Override
    public CompletableFuture<String> set(String key, String value, SetOptions options) {
        Objects.requireNonNull(value, "value");
        return set(key, value, null, options);
    }

    @Override
    public CompletableFuture<String> set(String key, byte[] value, SetOptions options) {
        Objects.requireNonNull(value, "value");
        return set(key, null, value, options);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private CompletableFuture<String> set(String key, String text, byte[] bytes, SetOptions o) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(o, "options");
        if (!core.inLoop()) {
            byte[][] args = new byte[3 + o.argumentCount()][];
            args[0] = SET_NAME;
            args[1] = key.getBytes(StandardCharsets.UTF_8);
            args[2] = bytes != null ? bytes : text.getBytes(StandardCharsets.UTF_8);
            int i = 3;
            if (o.expiry() != null) {
                args[i++] = o.expiry().getBytes(StandardCharsets.US_ASCII);
                args[i++] = Long.toString(o.expiryAmount()).getBytes(StandardCharsets.US_ASCII);
            }
            if (o.condition() != null) {
                args[i] = o.condition().getBytes(StandardCharsets.US_ASCII);
            }
            return (CompletableFuture) typed(PendingQueue.FUTURE_SIMPLE, args);
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (cmd.admit(f, null, PendingQueue.FUTURE_SIMPLE, 1)) {
            CommandWriter w = cmd.out;
            long mark = w.position();
            try {
                if (o.argumentCount() == 0) {
                    w.raw(SET);
                } else {
                    w.begin(3 + o.argumentCount()).arg(SET_NAME);
                }
                w.arg(key);
                if (bytes != null) {
                    w.arg(bytes);
                } else {
                    w.arg(text);
                }
                if (o.expiry() != null) {
                    w.arg(o.expiry()).arg(o.expiryAmount());
                }
                if (o.condition() != null) {
                    w.arg(o.condition());
                }
            } catch (RuntimeException | Error e) {
                cmd.abandon(mark, 1);
                throw e;
            }
            cmd.add(f, null, PendingQueue.FUTURE_SIMPLE, mark);
        }
        return (CompletableFuture) f;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<Long> del(String... keys) {
        Objects.requireNonNull(keys, "keys");
        if (keys.length == 0) {
            throw new IllegalArgumentException("DEL needs at least one key");
        }
        String[] args = new String[keys.length + 1];
        args[0] = "DEL";
        System.arraycopy(keys, 0, args, 1, keys.length);
        return (CompletableFuture) typed(PendingQueue.FUTURE_INTEGER, args);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<Long> incr(String key) {
        Objects.requireNonNull(key, "key");
        if (!core.inLoop()) {
            return (CompletableFuture) typed(PendingQueue.FUTURE_INTEGER, "INCR", key);
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (cmd.admit(f, null, PendingQueue.FUTURE_INTEGER, 1)) {
            long mark = cmd.out.position();
            try {
                cmd.out.raw(INCR).arg(key);
            } catch (RuntimeException | Error e) {
                cmd.abandon(mark, 1);
                throw e;
            }
            cmd.add(f, null, PendingQueue.FUTURE_INTEGER, mark);
        }
        return (CompletableFuture) f;
    }

    @Override
    public CompletableFuture<Long> publish(String channel, String message) {
        Objects.requireNonNull(message, "message");
        return publish(channel, message.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<Long> publish(String channel, byte[] message) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(message, "message");
        if (!core.inLoop()) {
            return (CompletableFuture) typed(PendingQueue.FUTURE_INTEGER, new byte[][] {
                "PUBLISH".getBytes(StandardCharsets.US_ASCII), channel.getBytes(StandardCharsets.UTF_8), message});
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (cmd.admit(f, null, PendingQueue.FUTURE_INTEGER, 1)) {
            long mark = cmd.out.position();
            try {
                cmd.out.raw(PUBLISH).arg(channel).arg(message);
            } catch (RuntimeException | Error e) {
                cmd.abandon(mark, 1);
                throw e;
            }
            cmd.add(f, null, PendingQueue.FUTURE_INTEGER, mark);
        }
        return (CompletableFuture) f;
    }

    @Override
    public RedisTransaction multi() {
        return new Transaction(this);
    }

    /** Sends a transaction's block: MULTI, its commands, EXEC. */
    void sendTransaction(Transaction tx, byte[] block, int parts) {
        if (parts > options.queueLimit()) {
            // Its entries are admitted together, so it could never be: a thread would wait for
            // ever (with no command timeout), the loop thread would be told "full" every time.
            tx.fail(new RedisError(-1, "a transaction of " + parts + " commands (MULTI and EXEC included) is more than "
                    + "RedisOptions.queueLimit (" + options.queueLimit() + ") can ever hold", false));
            return;
        }
        if (!core.inLoop()) {
            hop(block, tx, null, PendingQueue.TX_EXEC, parts);
            return;
        }
        if (cmd.admit(tx, null, PendingQueue.TX_EXEC, parts)) {
            cmd.addEncoded(block, tx, null, PendingQueue.TX_EXEC, parts, -1);
        }
    }

    // ---- from other threads -------------------------------------------------------------------

    /**
     * Carries a command encoded on this (foreign) thread over to the loop, after taking its
     * permits: waiting for them up to the command timeout, except on another loop's thread, which
     * never waits.
     */
    private void hop(byte[] encoded, Object target, EventHandler handler, byte kind, int parts) {
        int charge = cmd.charge(encoded.length);
        RedisError refusal = cmd.closedFlag ? CommandConnection.clientClosed() : null;
        // Long.MAX_VALUE: no deadline (no command timeout).
        long deadline = options.commandTimeout() == null ? Long.MAX_VALUE
                : System.nanoTime() + options.commandTimeout().toNanos();
        if (refusal == null && !acquire(cmd.permits, parts, deadline)) {
            refusal = cmd.closedFlag ? CommandConnection.clientClosed() : cmd.queueFull();
        } else if (refusal == null && !acquire(cmd.bytePermits, charge, deadline)) {
            cmd.permits.release(parts);
            refusal = cmd.closedFlag ? CommandConnection.clientClosed() : cmd.queueBytesFull();
        }
        if (refusal == null && cmd.closedFlag) {
            cmd.permits.release(parts);
            cmd.bytePermits.release(charge);
            refusal = CommandConnection.clientClosed();
        }
        if (refusal != null) {
            failFromAfar(kind, target, handler, refusal);
            return;
        }
        try {
            core.execute(() -> cmd.addEncoded(encoded, target, handler, kind, parts, charge));
        } catch (IllegalStateException loopClosed) {
            cmd.permits.release(parts);
            cmd.bytePermits.release(charge);
            failFromAfar(kind, target, handler, new RedisError(-1, "the event loop is closed", false));
        }
    }

    /** Takes {@code n} permits: at once on another loop's thread, else waiting until {@code deadline}. */
    private boolean acquire(java.util.concurrent.Semaphore s, int n, long deadline) {
        if (core.onOtherLoop()) {
            return s.tryAcquire(n);
        }
        long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - System.nanoTime());
        try {
            return s.tryAcquire(n, wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Fails a command that never reached the loop: a future at once, a callback's handler on the loop. */
    private void failFromAfar(byte kind, Object target, EventHandler handler, RedisError error) {
        if (kind == PendingQueue.CALLBACK) {
            // Handlers run on the loop thread; on a closed loop there is none to run them.
            core.execute(() -> cmd.fail(kind, target, handler, error));
        } else {
            cmd.fail(kind, target, handler, error);
        }
    }

    // ---- pub/sub ------------------------------------------------------------------------------

    @Override
    public RedisSubscription subscribe(String channel, BiConsumer<String, byte[]> onMessage) {
        return subscribe(channel, false, onMessage);
    }

    @Override
    public RedisSubscription psubscribe(String pattern, BiConsumer<String, byte[]> onMessage) {
        return subscribe(pattern, true, onMessage);
    }

    private RedisSubscription subscribe(String name, boolean pattern, BiConsumer<String, byte[]> onMessage) {
        Objects.requireNonNull(name, pattern ? "pattern" : "channel");
        Objects.requireNonNull(onMessage, "onMessage");
        if (!name.equals(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))) {
            // Sent as UTF-8 and routed by the name the server echoes, decoded: a name that does
            // not survive the round trip (a lone surrogate) would never be confirmed nor delivered.
            throw new IllegalArgumentException((pattern ? "pattern" : "channel")
                    + " is not valid Unicode text (a lone surrogate?): use a name that UTF-8 can carry");
        }
        if (!core.inLoop()) {
            return core.call(() -> subscribe(name, pattern, onMessage));
        }
        Subscription s = new Subscription(this, name, pattern, onMessage);
        if (cmd.isClosed()) {
            s.end(CommandConnection.clientClosed());
            return s;
        }
        if (subscriber == null) {
            Subscriber fresh = new Subscriber(core, loop, uri, options, this);
            subscriber = fresh;
            fresh.add(s);
            fresh.start();
        } else {
            subscriber.add(s);
        }
        return s;
    }

    /** Ends a subscription; never waits. */
    void unsubscribe(Subscription s) {
        if (!core.inLoop()) {
            try {
                core.execute(() -> unsubscribe(s));
            } catch (IllegalStateException loopClosed) {
                // The loop closed every connection.
            }
            return;
        }
        s.deactivate();
        if (subscriber != null) {
            subscriber.remove(s);
        }
    }

    /** The subscriber connection closed for good (no subscription left, or it failed). */
    void subscriberClosed(Subscriber s) {
        if (subscriber == s) {
            subscriber = null;
        }
    }

    // ---- state and close ----------------------------------------------------------------------

    @Override
    public CompletableFuture<RedisClient> ready() {
        return cmd.readyFuture;
    }

    @Override
    public boolean isConnected() {
        return cmd.state == RedisConnection.READY;
    }

    @Override
    public boolean isClosed() {
        return cmd.closedFlag;
    }

    @Override
    public void close() {
        // Refuses new commands at once, from any thread; the rest happens on the loop.
        cmd.closedFlag = true;
        if (!core.inLoop()) {
            try {
                core.execute(this::close);
            } catch (IllegalStateException loopClosed) {
                // The loop closed every connection.
            }
            return;
        }
        closeWith(null);
    }

    /** Closes both connections with {@code cause} (null: closed by the application). */
    void closeWith(RedisError cause) {
        cmd.close(cause);
    }

    /** Runs once the command connection has closed for good: the client closes with it. */
    private final class Closed implements Runnable {
        @Override
        public void run() {
            Subscriber s = subscriber;
            subscriber = null;
            if (s != null) {
                s.close(CommandConnection.clientClosed());
            }
            registry.remove(ClientImpl.this);
        }
    }

    /** {@link #checkArgs}, then refuses what would break the connection shared by every caller. */
    static void checkCommand(String[] args) {
        checkArgs(args);
        String why = RefusedCommands.why(args);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }

    /** {@link #checkArgs}, then refuses what would break the connection shared by every caller. */
    static void checkCommand(byte[][] args) {
        checkArgs(args);
        String why = RefusedCommands.why(args);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }

    static void checkArgs(Object[] args) {
        Objects.requireNonNull(args, "args");
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        for (Object a : args) {
            if (a == null) {
                throw new NullPointerException("a command argument is null");
            }
        }
    }

    @Override
    public String toString() {
        return "RedisClient[" + uri + (cmd.closedFlag ? ", closed" : isConnected() ? ", connected" : ", connecting") + "]";
    }
}
