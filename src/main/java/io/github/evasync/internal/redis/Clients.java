package io.github.evasync.internal.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.redis.RedisClient;
import io.github.evasync.redis.RedisOptions;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Makes clients ({@code RedisClient.connect}) and keeps, per loop, the ones still open, so that a
 * loop that closes closes them first and every command future completes.
 */
public final class Clients {
    private Clients() {
    }

    /**
     * {@code RedisClient.connect}: checks the URI, then makes the client on the loop thread (from
     * a thread that runs no loop the call is carried over and waits; from another loop's thread
     * it throws, as every waiting call does).
     *
     * @throws IllegalArgumentException for a malformed or unsupported URI
     */
    public static RedisClient connect(EventLoop loop, String uri, RedisOptions options) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(options, "options");
        RedisUri u = RedisUri.parse(uri);
        Transport.check(u);
        if (!loop.inLoop()) {
            if (EventLoop.current() != null) {
                throw new IllegalStateException("RedisClient.connect must wait for another event loop's answer, and"
                        + " waiting on a loop thread can deadlock the two loops; use that loop's submit(...)");
            }
            try {
                return loop.submit(() -> connect(loop, uri, options)).join();
            } catch (CompletionException e) {
                throw LoopCore.sneaky(e.getCause());
            }
        }
        LoopCore core = LoopCore.current();
        if (core.stopping()) {
            // The loop is ending: its exit callbacks, which close the open clients, may have run
            // already (a connect queued just before close() runs in the last drain, after them),
            // and a client made now would never close, its ready() never complete.
            throw LoopCore.closed();
        }
        Registry registry = core.attachment(Registry.class);
        if (registry == null) {
            registry = new Registry();
            core.attach(Registry.class, registry);
            core.onExit(registry);
        }
        ClientImpl c = new ClientImpl(core, loop, u, options, registry);
        registry.open.add(c);
        try {
            c.start();
        } catch (RuntimeException | Error e) {
            c.closeWith(null);
            throw e;
        }
        return c;
    }

    /** A loop's open clients; closes them when the loop exits. */
    static final class Registry implements Runnable {
        final Set<ClientImpl> open = new LinkedHashSet<>();

        void remove(ClientImpl c) {
            open.remove(c);
        }

        @Override
        public void run() {
            for (ClientImpl c : new ArrayList<>(open)) {
                c.closeWith(new io.github.evasync.RedisError(-1, "the event loop closed", false));
            }
        }
    }
}
