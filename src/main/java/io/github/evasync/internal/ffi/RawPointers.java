package io.github.evasync.internal.ffi;

import java.lang.foreign.MemorySegment;

/**
 * A loop's libevent pointers, for the code outside this package that still passes them on
 * itself (issue 15's work list): {@code Connection} and {@code Tcp} give them to libevent, and
 * {@code DirectRead} and {@code Listener} to {@link ReadEvent} and {@link ConnListener}, which
 * take a pointer rather than an {@link EventBase}. The loop's core implements this, so those
 * callers keep {@code core.base()} and {@code core.dnsBase()} while the core itself names no
 * native type. This goes once they take the owners instead.
 */
public interface RawPointers {
    /** {@return the loop's event base} */
    EventBase eventBase();

    /** {@return the loop's resolver, made on first use} */
    DnsBase resolverBase();

    /** {@return the {@code event_base} pointer; loop thread only} */
    default MemorySegment base() { // delegate: callers outside internal/loop move to eventBase()
        return eventBase().pointer();
    }

    /** {@return the {@code evdns_base} pointer, made on first use; loop thread only} */
    default MemorySegment dnsBase() { // delegate: callers outside internal/loop move to resolverBase()
        return resolverBase().pointer();
    }
}
