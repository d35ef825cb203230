package io.github.evasync.internal.dns;

import io.github.evasync.DnsError;
import io.github.evasync.EventHandler;
import io.github.evasync.dns.Family;
import io.github.evasync.internal.ffi.DnsRequest;
import io.github.evasync.internal.ffi.SockAddr;
import io.github.evasync.internal.loop.LoopCore;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One lookup of a name: a {@link DnsRequest} on the loop's resolver, whose answer becomes the
 * addresses of the family asked for or exactly one {@link DnsError}; a loop that closes first
 * cancels it, and its callbacks never run.
 */
public final class DnsQuery implements DnsRequest.Target, Runnable {
    private final LoopCore core;
    private final String host;
    private final Family family;
    private final Consumer<List<InetAddress>> onAddresses;
    private final EventHandler handler;
    private final DnsRequest request;
    private boolean inStart;
    /** Whether the query left the resolver's count (answered, released, or failed to start). */
    private boolean ended;

    private DnsQuery(LoopCore core, String host, Family family, Consumer<List<InetAddress>> onAddresses,
                     EventHandler handler) {
        this.core = core;
        this.host = host;
        this.family = family;
        this.onAddresses = onAddresses;
        this.handler = handler;
        this.request = new DnsRequest(core.handles(), core.counts().nativeObjectCount(), this);
    }

    /**
     * Looks {@code host} up; {@code onAddresses} gets every address of {@code family} found,
     * in the resolver's order, or {@code handler} gets exactly one {@link DnsError}. Neither runs
     * before this method returns. An IP literal is answered without a query.
     */
    public static void lookup(LoopCore core, String host, Family family, Consumer<List<InetAddress>> onAddresses,
                              EventHandler handler) {
        InetAddress literal = SockAddr.literal(host);
        if (literal != null) {
            core.execute(new LiteralAnswer(core, host, literal, family, onAddresses, handler));
            return;
        }
        // The resolver is made now, so that a configuration libevent refuses is this call's
        // exception; the query itself starts on a later turn.
        core.resolver().base();
        // Counted first and uncounted in this frame if anything after fails, as NativeOwner
        // does: a StackOverflowError can strike at any call here.
        core.resolver().queryStarted();
        DnsQuery query = null;
        try {
            query = new DnsQuery(core, host, family, onAddresses, handler);
            core.execute(query);
        } catch (Throwable t) {
            if (query != null) {
                query.ended = true; // first: a task queued all the same must not start
                query.request.free();
            }
            core.resolver().queryEnded();
            throw t;
        }
    }

    /**
     * Starts the query, on the turn after the lookup call, at the loop's own depth. libevent
     * answers a name from /etc/hosts inside {@code evdns_getaddrinfo}, through an upcall; made
     * inside the API call, that upcall could begin where the caller's stack is nearly used up,
     * and a StackOverflowError at its very start, before any guard of ours runs, makes the JVM
     * exit.
     */
    @Override
    public void run() {
        if (ended) {
            return;
        }
        if (core.stopping() || !core.isOpen()) {
            // The loop is closing: the query never starts, and nothing answers.
            request.free();
            ended = true;
            core.resolver().queryEnded();
            return;
        }
        try {
            start();
        } catch (Throwable t) {
            // An Error, in practice (the lookup call made the resolver): the caller still gets
            // its one condition, and the throwable then goes by the rules of a failed task.
            core.errors().deliver(new DnsError(host, -1, "the lookup could not start: " + t), handler);
            throw t;
        }
    }

    /**
     * Answers an IP literal on the next turn. A class rather than a lambda: it is made inside
     * the lookup call on the loop thread, where a lambda linked first could be cut short for the
     * JVM's life (see {@link LoopCore#call}).
     */
    private record LiteralAnswer(LoopCore core, String host, InetAddress literal, Family family,
                                 Consumer<List<InetAddress>> onAddresses, EventHandler handler) implements Runnable {
        @Override
        public void run() {
            if (family.equals(Family.UNSPEC) || Family.of(literal) == family) {
                deliver(core, onAddresses, List.of(literal), handler);
            } else {
                core.errors().deliver(new DnsError(host, DnsRequest.EAI_FAMILY,
                        "an " + Family.of(literal) + " literal has no " + family + " address"), handler);
            }
        }
    }

    private void start() {
        inStart = true;
        Throwable upcall;
        core.inNativeCall++;
        try {
            try {
                request.start(core.resolver().base(), core.scratch(), host, switch (family) {
                    case INET -> DnsRequest.INET;
                    case INET6 -> DnsRequest.INET6;
                    case UNSPEC -> DnsRequest.UNSPEC;
                });
            } finally {
                core.inNativeCall--;
                upcall = core.upcallFailure;
                core.upcallFailure = null;
            }
            if (upcall != null) {
                // The answer, given at once, was cut short (a stack overflow): this call's failure.
                throw LoopCore.sneaky(upcall);
            }
        } catch (Throwable t) {
            // No resolver, or an Error cut the call or its answer short: nothing will answer, so
            // nothing stays registered or counted.
            request.free();
            if (!ended) {
                ended = true;
                core.resolver().queryEnded();
            }
            throw t;
        } finally {
            inStart = false;
        }
    }

    @Override
    public void answered(int result, List<InetSocketAddress> addresses, String errorText) {
        ended = true;
        core.resolver().queryEnded();
        List<InetAddress> found = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            if (!found.contains(a.getAddress()) && familyMatches(a.getAddress())) {
                found.add(a.getAddress());
            }
        }
        Outcome outcome = new Outcome(this, result, errorText, found.isEmpty() ? null : List.copyOf(found));
        if (inStart) {
            // Answered inside evdns_getaddrinfo: callbacks never run before lookup returns.
            core.execute(outcome);
        } else {
            outcome.run();
        }
    }

    /**
     * What a query's answer tells its caller: the addresses, or a {@link DnsError}. A class
     * rather than a lambda: a name answered at once (from /etc/hosts) makes it inside the
     * lookup call on the loop thread (see {@link LoopCore#call}).
     */
    private static final class Outcome implements Runnable {
        private final DnsQuery query;
        private final int result;
        private final String errorText;
        /** The addresses found, or null when none was. */
        private final List<InetAddress> all;

        Outcome(DnsQuery query, int result, String errorText, List<InetAddress> all) {
            this.query = query;
            this.result = result;
            this.errorText = errorText;
            this.all = all;
        }

        @Override
        public void run() {
            DnsQuery q = query;
            if (result != 0) {
                q.core.errors().deliver(new DnsError(q.host, result, errorText), q.handler);
            } else if (all == null) {
                q.core.errors().deliver(new DnsError(q.host, DnsRequest.EAI_NODATA, "no " + q.family + " address"),
                        q.handler);
            } else {
                deliver(q.core, q.onAddresses, all, q.handler);
            }
        }
    }

    /** The loop closed first and cancelled the request: no callback runs. */
    @Override
    public void released() {
        ended = true;
        core.resolver().queryEnded();
    }

    private boolean familyMatches(InetAddress a) {
        return family == Family.UNSPEC || Family.of(a) == family;
    }

    private static void deliver(LoopCore core, Consumer<List<InetAddress>> onAddresses, List<InetAddress> all,
                                EventHandler handler) {
        try {
            onAddresses.accept(all);
        } catch (Throwable t) {
            core.errors().callbackFailed(t, handler);
        }
    }

    /**
     * Checks a name to look up, naming what is wrong: not null or empty, at most 255 bytes,
     * labels of at most 63 bytes, no NUL.
     */
    public static void checkHost(String host) {
        if (host == null) {
            throw new IllegalArgumentException("host must not be null");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (host.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("host must not contain NUL");
        }
        if (SockAddr.literal(host) != null) {
            return;
        }
        byte[] bytes = host.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255) {
            throw new IllegalArgumentException("host must be at most 255 bytes, not " + bytes.length);
        }
        for (String label : host.split("\\.", -1)) {
            int n = label.getBytes(StandardCharsets.UTF_8).length;
            if (n > 63) {
                throw new IllegalArgumentException("host has a label over 63 bytes: " + label);
            }
        }
    }
}
