package io.github.evasync.internal.dns;

import io.github.evasync.DnsError;
import io.github.evasync.EventHandler;
import io.github.evasync.dns.Family;
import io.github.evasync.internal.ffi.NativeCallbacks;
import io.github.evasync.internal.ffi.Scratch;
import io.github.evasync.internal.ffi.SockAddr;
import io.github.evasync.internal.ffi.Upcalls;
import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.addrinfo;
import io.github.evasync.internal.loop.LoopCore;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@code evdns_getaddrinfo} request. It owns the request until libevent calls back, and
 * frees the answer list itself; a loop that closes first cancels it, and its callbacks never run.
 */
public final class DnsQuery {
    static final NativeCallbacks KIND = new NativeCallbacks() {
        @Override
        public void onAddrinfo(Object target, int result, MemorySegment res) {
            ((DnsQuery) target).answered(result, res);
        }

        @Override
        public void release(Object target) {
            ((DnsQuery) target).cancel();
        }
    };

    private final LoopCore core;
    private final String host;
    private final Family family;
    private final Consumer<List<InetAddress>> onAddresses;
    private final EventHandler handler;
    private final long handle;
    private MemorySegment request;
    private boolean done;
    private boolean inStart;

    private DnsQuery(LoopCore core, String host, Family family, Consumer<List<InetAddress>> onAddresses,
                     EventHandler handler) {
        this.core = core;
        this.host = host;
        this.family = family;
        this.onAddresses = onAddresses;
        this.handler = handler;
        this.handle = core.handles().register(this, KIND);
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
            core.execute(() -> {
                if (family.equals(Family.UNSPEC) || Family.of(literal) == family) {
                    deliver(core, () -> onAddresses.accept(List.of(literal)), handler);
                } else {
                    core.deliver(new DnsError(host, LibEvent.EVUTIL_EAI_FAMILY(),
                            "an " + Family.of(literal) + " literal has no " + family + " address"), handler);
                }
            });
            return;
        }
        new DnsQuery(core, host, family, onAddresses, handler).start();
    }

    private void start() {
        core.dnsQueryStarted();
        core.nativeObjects++;
        Scratch s = core.scratch();
        long mark = s.mark();
        inStart = true;
        try {
            MemorySegment hints = s.allocate(addrinfo.layout());
            addrinfo.ai_family(hints, switch (family) {
                case INET -> LibEvent.AF_INET();
                case INET6 -> LibEvent.AF_INET6();
                case UNSPEC -> LibEvent.AF_UNSPEC();
            });
            // One entry per address rather than one per socket type.
            addrinfo.ai_socktype(hints, LibEvent.SOCK_STREAM());
            MemorySegment req = LibEvent.evdns_getaddrinfo(core.dnsBase(), s.allocateFrom(host), MemorySegment.NULL,
                    hints, Upcalls.ADDRINFO, Upcalls.arg(handle));
            // NULL: libevent answered at once (from /etc/hosts, say) and already called back.
            request = done || req.equals(MemorySegment.NULL) ? null : req;
        } finally {
            inStart = false;
            s.reset(mark);
        }
    }

    private void answered(int result, MemorySegment res) {
        if (done) {
            return;
        }
        finish();
        List<InetAddress> found = new ArrayList<>();
        try {
            for (MemorySegment ai = res; !ai.equals(MemorySegment.NULL);
                 ai = addrinfo.ai_next(ai.reinterpret(addrinfo.layout().byteSize()))) {
                MemorySegment entry = ai.reinterpret(addrinfo.layout().byteSize());
                InetSocketAddress a = SockAddr.decode(addrinfo.ai_addr(entry));
                if (a != null && !found.contains(a.getAddress()) && familyMatches(a.getAddress())) {
                    found.add(a.getAddress());
                }
            }
        } finally {
            if (!res.equals(MemorySegment.NULL)) {
                LibEvent.evutil_freeaddrinfo(res);
            }
        }
        Runnable outcome;
        if (result != 0) {
            String text = LibEvent.evutil_gai_strerror(result).getString(0, StandardCharsets.UTF_8);
            outcome = () -> core.deliver(new DnsError(host, result, text), handler);
        } else if (found.isEmpty()) {
            outcome = () -> core.deliver(new DnsError(host, LibEvent.EVUTIL_EAI_NODATA(),
                    "no " + family + " address"), handler);
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

    private boolean familyMatches(InetAddress a) {
        return family == Family.UNSPEC || Family.of(a) == family;
    }

    private static void deliver(LoopCore core, Runnable callback, EventHandler handler) {
        try {
            callback.run();
        } catch (Throwable t) {
            core.callbackFailed(t, handler);
        }
    }

    private void finish() {
        done = true;
        request = null;
        core.nativeObjects--;
        core.handles().release(handle);
        core.dnsQueryEnded();
    }

    /** The loop is closing: cancel the request; libevent calls back, and the callback is skipped. */
    private void cancel() {
        if (done) {
            return;
        }
        MemorySegment req = request;
        finish();
        if (req != null) {
            LibEvent.evdns_getaddrinfo_cancel(req);
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
