package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * A loop's resolver, libevent's {@code evdns_base}, set up from the loop's options; each lookup
 * on it is a {@link DnsRequest}. Loop thread only.
 *
 * <p>Not a {@link NativeOwner}: it has no callback of its own, so no handle, and it must not go
 * with the objects the loop's table frees when the loop closes. It goes after them, failing
 * the requests libevent still holds, whose deferred frees {@link EventBase#runReadyCallbacks()}
 * then runs. It frees itself once all the same.
 */
public final class DnsBase {
    private MemorySegment dns;

    /**
     * Makes a resolver on {@code base}. It is inactive (it keeps no event added) while no query
     * is in flight, so an idle {@code run} loop can still end.
     *
     * @param nameservers the servers to ask, or empty for those of /etc/resolv.conf
     * @param timeout how long a server has to answer
     * @throws IllegalStateException when libevent cannot make a resolver
     * @throws IllegalArgumentException when libevent refuses one of {@code nameservers}
     */
    public DnsBase(EventBase base, List<String> nameservers, Duration timeout) {
        // Nameservers are added after the flag is set: evdns_base_new with
        // INITIALIZE_NAMESERVERS adds them first and their read events stay added, which would
        // keep an idle loop alive for ever.
        MemorySegment d = LibEvent.evdns_base_new(base.pointer(), LibEvent.EVDNS_BASE_DISABLE_WHEN_INACTIVE());
        if (d.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("evdns_base_new failed: libevent could not make a resolver");
        }
        Scratch scratch = base.scratch();
        long mark = scratch.mark();
        try {
            if (nameservers.isEmpty()) {
                int r = LibEvent.evdns_base_resolv_conf_parse(d, LibEvent.DNS_OPTIONS_ALL(),
                        scratch.allocateFrom("/etc/resolv.conf"));
                if (r != 0) {
                    // No usable resolv.conf: still resolve /etc/hosts names and literals.
                    LibEvent.evdns_base_load_hosts(d, MemorySegment.NULL);
                }
            } else {
                for (String server : nameservers) {
                    if (LibEvent.evdns_base_nameserver_ip_add(d, scratch.allocateFrom(server)) != 0) {
                        LibEvent.evdns_base_free(d, 0);
                        throw new IllegalArgumentException("libevent refused the nameserver " + server);
                    }
                }
                LibEvent.evdns_base_load_hosts(d, MemorySegment.NULL);
            }
            Duration t = Scratch.clamp(timeout);
            String seconds = BigDecimal.valueOf(t.toMillis()).movePointLeft(3).toPlainString();
            LibEvent.evdns_base_set_option(d, scratch.allocateFrom("timeout:"), scratch.allocateFrom(seconds));
            // libevent's default of 64 queries in flight queues the rest behind them; a server
            // answers many more at once, and the queue is what limits a burst of lookups.
            LibEvent.evdns_base_set_option(d, scratch.allocateFrom("max-inflight:"), scratch.allocateFrom("128"));
        } finally {
            scratch.reset(mark);
        }
        dns = d;
    }

    /** The pointer, for {@link DnsRequest} and {@link RawPointers}. */
    MemorySegment pointer() {
        return dns;
    }

    /**
     * Frees the resolver; later calls do nothing.
     *
     * @param failRequests true to fail the requests still pending, which libevent then frees
     *                     through deferred callbacks (as the loop closes); false when none is
     */
    public void free(boolean failRequests) {
        MemorySegment d = dns;
        if (d != null) {
            dns = null;
            LibEvent.evdns_base_free(d, failRequests ? 1 : 0);
        }
    }
}
