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
public final class DnsQuery implements DnsRequest.Target {
    private final LoopCore core;
    private final String host;
    private final Family family;
    private final Consumer<List<InetAddress>> onAddresses;
    private final EventHandler handler;
    private final DnsRequest request;
    private boolean inStart;

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
        new DnsQuery(core, host, family, onAddresses, handler).start();
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
                deliver(core, () -> onAddresses.accept(List.of(literal)), handler);
            } else {
                core.errors().deliver(new DnsError(host, DnsRequest.EAI_FAMILY,
                        "an " + Family.of(literal) + " literal has no " + family + " address"), handler);
            }
        }
    }

    private void start() {
        core.resolver().queryStarted();
        inStart = true;
        try {
            request.start(core.resolver().base(), core.scratch(), host, switch (family) {
                case INET -> DnsRequest.INET;
                case INET6 -> DnsRequest.INET6;
                case UNSPEC -> DnsRequest.UNSPEC;
            });
        } catch (Throwable t) {
            // No resolver, or an Error cut the call short: nothing will answer, so nothing stays
            // registered or counted.
            if (request.free()) {
                core.resolver().queryEnded();
            }
            throw t;
        } finally {
            inStart = false;
        }
    }

    @Override
    public void answered(int result, List<InetSocketAddress> addresses, String errorText) {
        core.resolver().queryEnded();
        List<InetAddress> found = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            if (!found.contains(a.getAddress()) && familyMatches(a.getAddress())) {
                found.add(a.getAddress());
            }
        }
        Runnable outcome;
        if (result != 0) {
            outcome = () -> core.errors().deliver(new DnsError(host, result, errorText), handler);
        } else if (found.isEmpty()) {
            outcome = () -> core.errors().deliver(new DnsError(host, DnsRequest.EAI_NODATA, "no " + family + " address"), handler);
        } else {
            List<InetAddress> all = List.copyOf(found);
            outcome = () -> deliver(core, () -> onAddresses.accept(all), handler);
        }
        if (inStart) {
            // Answered inside evdns_getaddrinfo: callbacks never run before lookup returns.
            core.execute(outcome);
        } else {
            outcome.run();
        }
    }

    /** The loop closed first and cancelled the request: no callback runs. */
    @Override
    public void released() {
        core.resolver().queryEnded();
    }

    private boolean familyMatches(InetAddress a) {
        return family == Family.UNSPEC || Family.of(a) == family;
    }

    private static void deliver(LoopCore core, Runnable callback, EventHandler handler) {
        try {
            callback.run();
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
