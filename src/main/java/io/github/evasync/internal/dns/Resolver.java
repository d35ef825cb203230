package io.github.evasync.internal.dns;

import io.github.evasync.internal.ffi.DnsBase;
import io.github.evasync.internal.ffi.Native;
import io.github.evasync.internal.loop.LoopCore;

/**
 * A loop's resolver over its life: the {@link DnsBase}, made on first use and freed when no
 * query is left, and the count of queries in flight ({@code LoopStats}' DNS count), which TCP
 * connects by name share with lookups. Loop thread only.
 */
public final class Resolver {
    private final LoopCore core;
    private DnsBase base;
    private int queries;

    /** The resolver of {@code core}'s loop; nothing native is made until {@link #base()}. */
    public Resolver(LoopCore core) {
        this.core = core;
    }

    /**
     * The resolver, made on first use from the loop's options (/etc/resolv.conf and /etc/hosts
     * unless they name servers).
     *
     * @throws IllegalStateException when libevent's resolver (libevent_extra) is not loaded
     */
    public DnsBase base() {
        if (base == null) {
            Native.ensureResolver();
            base = new DnsBase(core.eventBase(), core.options().nameservers(), core.options().dnsTimeout());
        }
        return base;
    }

    /** A query of any kind began on {@link #base()}. */
    public void queryStarted() {
        queries++;
    }

    /**
     * A query ended. When none is left the resolver is freed on the next turn: libevent keeps
     * timers of its own on it (probes of a failed nameserver every 10 s and more) that would
     * keep an idle loop alive for ever. The next lookup makes a new one.
     */
    public void queryEnded() {
        if (--queries == 0 && !core.stopping()) {
            // A class rather than a lambda: a name answered at once ends its query inside the
            // lookup call on the loop thread (see LoopCore#call).
            core.execute(new FreeIfIdle());
        }
    }

    /** Frees the resolver if no query began since it was asked for. */
    private final class FreeIfIdle implements Runnable {
        @Override
        public void run() {
            if (queries == 0 && base != null && !core.stopping()) {
                base.free(false);
                base = null;
            }
        }
    }

    /** {@return the queries in flight} */
    public int queries() {
        return queries;
    }

    /**
     * Frees the resolver as the loop closes, after the loop released its requests: failing
     * what libevent still holds lets it free them through deferred callbacks, which one pass of
     * the base runs; our own callbacks are skipped, the loop is stopping.
     *
     * <p>The requests' release cancelled them, and libevent finishes a cancel in a deferred
     * callback that still reads the resolver (its lock, its timeout skew): those run first, or
     * they read it after {@code evdns_base_free} (found with gdb: one {@code event_add} per
     * pending lookup, its timeval inside the freed resolver).
     */
    public void close() {
        if (base != null) {
            core.eventBase().runReadyCallbacks();
            base.free(true);
            base = null;
            core.eventBase().runReadyCallbacks();
        }
    }
}
