package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.bufferevent_data_cb;
import io.github.evasync.internal.libevent.bufferevent_event_cb;
import io.github.evasync.internal.libevent.event_callback_fn;
import io.github.evasync.internal.libevent.event_log_cb;
import io.github.evasync.internal.libevent.evconnlistener_cb;
import io.github.evasync.internal.libevent.evconnlistener_errorcb;
import io.github.evasync.internal.libevent.evdns_getaddrinfo_cb;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The static upcall stubs, one per C callback signature, allocated once in the global arena
 * (DESIGN.md, mechanism 2).
 *
 * <p>Every body is a guard: nothing may unwind through libevent's frames, or the JVM aborts
 * (mechanism 3). A throwable that escapes the dispatcher goes to the loop's {@link LoopSink};
 * if even that fails, it is dropped, because there is nowhere safe left to put it.
 */
public final class Upcalls {
    // The stubs are grouped per kind in holder classes, as jextract's bindings are per
    // function: Linking initialises them all on a fresh thread as the first loop opens, so no
    // stub is made later at whatever stack depth its first use happens.

    /** {@code event_callback_fn}: {@code void (*)(evutil_socket_t fd, short what, void *arg)}. */
    public static final class Events {
        /** The one stub of every event: timers, signals, descriptor watchers, read events. */
        public static final MemorySegment CALLBACK = stub("onEvent", event_callback_fn.descriptor());

        private Events() {
        }
    }

    /** The bufferevent callbacks. */
    public static final class Bufferevents {
        /** {@code bufferevent_data_cb} for reads: {@code void (*)(struct bufferevent *, void *)}. */
        public static final MemorySegment READ = stub("onBufferRead", bufferevent_data_cb.descriptor());
        /** {@code bufferevent_data_cb} for writes. */
        public static final MemorySegment WRITE = stub("onBufferWrite", bufferevent_data_cb.descriptor());
        /** {@code bufferevent_event_cb}: {@code void (*)(struct bufferevent *, short what, void *)}. */
        public static final MemorySegment EVENT = stub("onBufferEvent", bufferevent_event_cb.descriptor());

        private Bufferevents() {
        }
    }

    /** The listener callbacks. */
    public static final class Listeners {
        /** {@code evconnlistener_cb}: {@code void (*)(listener *, fd, struct sockaddr *, int, void *)}. */
        public static final MemorySegment ACCEPT = stub("onAccept", evconnlistener_cb.descriptor());
        /** {@code evconnlistener_errorcb}: {@code void (*)(listener *, void *)}. */
        public static final MemorySegment ERROR = stub("onAcceptError", evconnlistener_errorcb.descriptor());

        private Listeners() {
        }
    }

    /** The resolver's callback. */
    public static final class Dns {
        /** {@code evdns_getaddrinfo_cb}: {@code void (*)(int result, struct evutil_addrinfo *res, void *arg)}. */
        public static final MemorySegment ADDRINFO = stub("onAddrinfo", evdns_getaddrinfo_cb.descriptor());

        private Dns() {
        }
    }

    /** libevent's log callback, {@code event_log_cb}: {@code void (*)(int severity, const char *msg)}. */
    public static final class Log {
        /** Set once per process by {@link Upcalls#routeLibeventLog()}; may run on any loop thread. */
        public static final MemorySegment CALLBACK = stub("onLog", event_log_cb.descriptor());

        private Log() {
        }
    }

    private static final System.Logger LIBEVENT_LOG = System.getLogger("io.github.evasync.libevent");
    private static boolean logRouted;

    /**
     * Sends libevent's own messages ("nameserver has failed", ...) to {@code System.Logger}
     * {@code io.github.evasync.libevent} instead of the process's standard error. Once per
     * process; later calls do nothing.
     */
    public static synchronized void routeLibeventLog() {
        if (!logRouted) {
            // event_log_cb: void (*)(int severity, const char *msg); may run on any loop thread.
            LibEvent.event_set_log_callback(Log.CALLBACK);
            logRouted = true;
        }
    }

    /**
     * Runs every stub once, through a downcall to its own address, with arguments that name no
     * live handle, so that each does nothing. A stub links the call into its Java method the
     * first time it runs; if that first time were an upcall libevent makes inside an API call
     * near the end of a thread's stack, a StackOverflowError in the linking would be thrown
     * outside every guard of ours, and the JVM exits. Called by {@link Linking} on a fresh stack.
     */
    static void prime() throws Throwable {
        MemorySegment none = MemorySegment.NULL;
        call(Events.CALLBACK, event_callback_fn.descriptor()).invokeExact(-1, (short) 0, none);
        call(Bufferevents.READ, bufferevent_data_cb.descriptor()).invokeExact(none, none);
        call(Bufferevents.WRITE, bufferevent_data_cb.descriptor()).invokeExact(none, none);
        call(Bufferevents.EVENT, bufferevent_event_cb.descriptor()).invokeExact(none, (short) 0, none);
        // fd -1: the accept stub closes what nobody owns, and closing -1 does nothing.
        call(Listeners.ACCEPT, evconnlistener_cb.descriptor()).invokeExact(none, -1, none, 0, none);
        call(Listeners.ERROR, evconnlistener_errorcb.descriptor()).invokeExact(none, none);
        call(Dns.ADDRINFO, evdns_getaddrinfo_cb.descriptor()).invokeExact(0, none, none);
        // At DEBUG: seen only by those who ask for libevent's debug messages.
        try (Arena arena = Arena.ofConfined()) {
            call(Log.CALLBACK, event_log_cb.descriptor()).invokeExact(0, arena.allocateFrom("evasync: log callback ready"));
        }
    }

    private static java.lang.invoke.MethodHandle call(MemorySegment stub, FunctionDescriptor fd) {
        return Linker.nativeLinker().downcallHandle(stub, fd);
    }

    private static MemorySegment stub(String method, FunctionDescriptor fd) {
        try {
            MethodType type = fd.toMethodType();
            return Linker.nativeLinker().upcallStub(
                    MethodHandles.lookup().findStatic(Upcalls.class, method, type), fd, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Upcalls() {
    }

    /** The handle to pass as a callback's {@code void *arg}. */
    public static MemorySegment arg(long handle) {
        return MemorySegment.ofAddress(handle);
    }

    private static void onEvent(int fd, short what, MemorySegment arg) {
        HandleTable table = null;
        try {
            long handle = arg.address();
            table = live(handle);
            int slot = table == null ? -1 : table.slot(handle);
            if (slot >= 0) {
                table.kindAt(slot).onEvent(table.targetAt(slot), fd, what);
            }
        } catch (Throwable t) {
            escape(table, t);
        }
    }

    private static void onBufferRead(MemorySegment bev, MemorySegment arg) {
        HandleTable table = null;
        try {
            long handle = arg.address();
            table = live(handle);
            int slot = table == null ? -1 : table.slot(handle);
            if (slot >= 0) {
                table.kindAt(slot).onBufferRead(table.targetAt(slot));
            }
        } catch (Throwable t) {
            escape(table, t);
        }
    }

    private static void onBufferWrite(MemorySegment bev, MemorySegment arg) {
        HandleTable table = null;
        try {
            long handle = arg.address();
            table = live(handle);
            int slot = table == null ? -1 : table.slot(handle);
            if (slot >= 0) {
                table.kindAt(slot).onBufferWrite(table.targetAt(slot));
            }
        } catch (Throwable t) {
            escape(table, t);
        }
    }

    private static void onBufferEvent(MemorySegment bev, short what, MemorySegment arg) {
        HandleTable table = null;
        try {
            // Read first: errno is EVUTIL_SOCKET_ERROR, and later calls may change it.
            int errno = LibC.errno();
            long handle = arg.address();
            table = live(handle);
            int slot = table == null ? -1 : table.slot(handle);
            if (slot >= 0) {
                table.kindAt(slot).onBufferEvent(table.targetAt(slot), what, errno);
            }
        } catch (Throwable t) {
            escape(table, t);
        }
    }

    private static void onAccept(MemorySegment listener, int fd, MemorySegment address, int length,
                                 MemorySegment arg) {
        HandleTable table = null;
        try {
            long handle = arg.address();
            table = live(handle);
            int slot = table == null ? -1 : table.slot(handle);
            if (slot < 0) {
                // Nobody will own this connection: close it rather than leak the descriptor.
                LibC.close(fd);
                return;
            }
            table.kindAt(slot).onAccept(table.targetAt(slot), fd, address, length);
        } catch (Throwable t) {
            escape(table, t);
        }
    }

    private static void onAcceptError(MemorySegment listener, MemorySegment arg) {
        HandleTable table = null;
        try {
            int errno = LibC.errno();
            long handle = arg.address();
            table = live(handle);
            int slot = table == null ? -1 : table.slot(handle);
            if (slot >= 0) {
                table.kindAt(slot).onAcceptError(table.targetAt(slot), errno);
            }
        } catch (Throwable t) {
            escape(table, t);
        }
    }

    private static void onAddrinfo(int result, MemorySegment res, MemorySegment arg) {
        HandleTable table = null;
        try {
            long handle = arg.address();
            table = live(handle);
            int slot = table == null ? -1 : table.slot(handle);
            if (slot >= 0) {
                table.kindAt(slot).onAddrinfo(table.targetAt(slot), result, res);
            } else if (!res.equals(MemorySegment.NULL)) {
                // Nobody wants the answer (the loop is closing): free it all the same.
                LibEvent.evutil_freeaddrinfo(res);
            }
        } catch (Throwable t) {
            escape(table, t);
        }
    }

    private static void onLog(int severity, MemorySegment msg) {
        try {
            // EVENT_LOG_DEBUG 0, MSG 1, WARN 2, ERR 3.
            System.Logger.Level level = switch (severity) {
                case 0 -> System.Logger.Level.DEBUG;
                case 1 -> System.Logger.Level.INFO;
                case 2 -> System.Logger.Level.WARNING;
                default -> System.Logger.Level.ERROR;
            };
            if (LIBEVENT_LOG.isLoggable(level)) {
                LIBEVENT_LOG.log(level, msg.reinterpret(4096).getString(0));
            }
        } catch (Throwable ignored) {
            // A failing logger must not take the process down from inside libevent.
        }
    }

    /** The handle's table while its loop still runs callbacks, else null. */
    private static HandleTable live(long handle) {
        HandleTable table = HandleTable.of(handle);
        return table == null || table.sink().stopping() ? null : table;
    }

    private static void escape(HandleTable table, Throwable t) {
        try {
            if (table != null) {
                table.sink().escaped(t);
            }
        } catch (Throwable ignored) {
            // Nothing is safe to do here: rethrowing would unwind into C and abort the JVM.
        }
    }
}
