/**
 * The hand-written native layer, not API: loading libevent and refusing systems other than Linux
 * ({@code Native}), the static upcall stubs and their guard ({@code Upcalls}), the per-loop
 * table that turns libevent's {@code void *arg} back into a Java object ({@code HandleTable},
 * {@code NativeCallbacks}, {@code LoopSink}), the typed owners of libevent's objects, through
 * which every other package makes its native calls ({@code EventBase}, {@code DnsBase}, and on
 * the base {@code NativeOwner}: {@code NativeEvent}, {@code BufferEvent}, {@code ConnListener},
 * {@code DnsRequest}, with {@code ReadEvent} and {@code SocketOptions} for a bare descriptor),
 * hand-made downcalls for the byte paths and errno ({@code FastCalls}, {@code LibC}), scratch
 * memory, socket addresses, the cross-thread wakeup descriptor and the leak tests' allocation
 * counter.
 *
 * <p>Apart from loading ({@code Native}), {@code Wakeup.signal} and the allocation counter, what
 * is here runs on a loop's thread. The module does not export this package; nothing here is
 * promised to stay.
 */
package io.github.evasync.internal.ffi;
