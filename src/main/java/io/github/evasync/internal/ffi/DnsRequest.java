package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.addrinfo;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One {@code evdns_getaddrinfo} request: it lives from {@link #start} until libevent answers
 * (then the answer list is read and freed here) or until it is freed first, which cancels it;
 * libevent's callback for a cancelled request finds the handle gone and is skipped. Loop thread
 * only.
 */
public final class DnsRequest extends NativeOwner {
    /** Ask for IPv4 addresses. */
    public static final int INET = LibEvent.AF_INET();
    /** Ask for IPv6 addresses. */
    public static final int INET6 = LibEvent.AF_INET6();
    /** Ask for both. */
    public static final int UNSPEC = LibEvent.AF_UNSPEC();
    /** getaddrinfo's code for an address of the wrong family. */
    public static final int EAI_FAMILY = LibEvent.EVUTIL_EAI_FAMILY();
    /** getaddrinfo's code for a name with no address of the family asked for. */
    public static final int EAI_NODATA = LibEvent.EVUTIL_EAI_NODATA();

    /** What the answer goes to. */
    public interface Target {
        /**
         * The request ended: {@code result} 0 with the addresses in the resolver's order, or
         * getaddrinfo's error code with its text. Runs inside {@link #start} when libevent
         * answers at once (from /etc/hosts, say).
         */
        void answered(int result, List<InetSocketAddress> addresses, String errorText);

        /** The loop closed and cancelled the request; must not call into application code. */
        default void released() {
        }
    }

    private final Target target;
    /** The pending request, or null once answered (or answered at once). */
    private MemorySegment request;

    /** Registers the request; {@link #start} sends it. */
    public DnsRequest(HandleTable handles, IntConsumer count, Target target) {
        super(handles, count);
        this.target = target;
        open();
    }

    /** Asks {@code dns} for {@code host}'s addresses of {@code family} ({@link #INET}...). */
    public void start(DnsBase dns, Scratch scratch, String host, int family) {
        long mark = scratch.mark();
        try {
            MemorySegment hints = scratch.allocate(addrinfo.layout());
            addrinfo.ai_family(hints, family);
            // One entry per address rather than one per socket type.
            addrinfo.ai_socktype(hints, LibEvent.SOCK_STREAM());
            MemorySegment req = LibEvent.evdns_getaddrinfo(dns.pointer(), scratch.allocateFrom(host), MemorySegment.NULL,
                    hints, Upcalls.Dns.ADDRINFO, Upcalls.arg(handle()));
            // NULL: libevent answered at once and already called back.
            request = isFreed() || req.equals(MemorySegment.NULL) ? null : req;
        } finally {
            scratch.reset(mark);
        }
    }

    @Override
    public void onAddrinfo(Object ignored, int result, MemorySegment res) {
        if (isFreed()) {
            return;
        }
        request = null; // answered: nothing left to cancel
        free();
        List<InetSocketAddress> found = new ArrayList<>();
        try {
            long size = addrinfo.layout().byteSize();
            for (MemorySegment ai = res; !ai.equals(MemorySegment.NULL); ai = addrinfo.ai_next(ai.reinterpret(size))) {
                InetSocketAddress a = SockAddr.decode(addrinfo.ai_addr(ai.reinterpret(size)));
                if (a != null) {
                    found.add(a);
                }
            }
        } finally {
            if (!res.equals(MemorySegment.NULL)) {
                LibEvent.evutil_freeaddrinfo(res);
            }
        }
        String text = result == 0 ? null : LibEvent.evutil_gai_strerror(result).getString(0, StandardCharsets.UTF_8);
        target.answered(result, found, text);
    }

    @Override
    protected void released() {
        target.released();
    }

    @Override
    protected void freeNative() {
        MemorySegment req = request;
        request = null;
        if (req != null) {
            LibEvent.evdns_getaddrinfo_cancel(req);
        }
    }
}
