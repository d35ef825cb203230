package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * A libevent {@code evconnlistener}: a bound, listening socket whose accepted descriptors and
 * accept errors go to a {@link Target}. It owns the listening descriptor
 * ({@code LEV_OPT_CLOSE_ON_FREE}) and frees it once. Loop thread only.
 */
public final class ConnListener extends NativeOwner {
    /** What accepting reports to. */
    public interface Target {
        /** A connection was accepted; the descriptor is the target's from now on. */
        void accepted(int fd);

        /** accept failed with {@code errno} (out of descriptors, say). */
        void acceptFailed(int errno);

        /**
         * The listener is about to be freed, by {@link #free()} or by the loop's closing: the
         * last moment at which its socket still listens (a Unix server removes its file here,
         * see {@code Listener}). Must not throw or call into application code.
         */
        default void beforeFree() {
        }

        /** The loop closed and freed the listener; must not call into application code. */
        default void released() {
        }
    }

    /** Binding or listening failed with {@code errno} (0 when libevent gave none). */
    public static final class BindFailed extends RuntimeException {
        private final int errno;

        BindFailed(int errno) {
            super(errno > 0 ? LibC.strerror(errno) : "evconnlistener_new_bind failed", null, false, false);
            this.errno = errno;
        }

        /** {@return the errno, or 0} */
        public int errno() {
            return errno;
        }
    }

    private final Target target;
    private MemorySegment listener;
    private int port;
    /** Whether libevent took the descriptor handed to it (it closes it with the listener). */
    private boolean fdTaken;

    /**
     * Binds {@code address:port} (port 0: any) and listens.
     *
     * @throws BindFailed when the address cannot be bound or listened on
     */
    public ConnListener(EventBase base, HandleTable handles, IntConsumer count, Scratch scratch,
                        InetAddress address, int port, boolean reusePort, int backlog, Target target) {
        super(handles, count);
        this.target = target;
        long mark = scratch.mark();
        try {
            MemorySegment sa = SockAddr.encode(scratch, address, port);
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            int flags = LibEvent.LEV_OPT_CLOSE_ON_FREE() | LibEvent.LEV_OPT_REUSEABLE() | LibEvent.LEV_OPT_CLOSE_ON_EXEC()
                    | (reusePort ? LibEvent.LEV_OPT_REUSEABLE_PORT() : 0);
            // A class, not a lambda (see NativeOwner.open()).
            open(new LongConsumer() {
                @Override
                public void accept(long h) {
                    // Stored first, as NativeEvent does: abandon() frees it if the check is cut short.
                    listener = FastCalls.evconnlistener_new_bind(state, base.pointer(), Upcalls.Listeners.ACCEPT,
                            Upcalls.arg(h), flags, backlog, sa, (int) sa.byteSize());
                    if (listener.equals(MemorySegment.NULL)) {
                        listener = null;
                        throw new BindFailed(FastCalls.errno(state));
                    }
                }
            });
            started(scratch, port, true);
        } finally {
            scratch.reset(mark);
        }
    }

    /**
     * Listens on {@code fd}, a socket bound already ({@link ListenSockets}), which is this
     * owner's from the call on: closed here when listening fails, with the listener once it is
     * freed.
     *
     * @param port the port it was bound to; 0 to ask the socket (an IP one that took any port)
     * @param inet whether it is an IP socket; a Unix-domain one has no port (0)
     * @throws BindFailed when it cannot listen
     */
    public ConnListener(EventBase base, HandleTable handles, IntConsumer count, Scratch scratch,
                        int fd, int port, boolean inet, int backlog, Target target) {
        super(handles, count);
        this.target = target;
        long mark = scratch.mark();
        try {
            MemorySegment state = scratch.allocate(FastCalls.captureStateSize(), 8);
            int flags = LibEvent.LEV_OPT_CLOSE_ON_FREE();
            open(new LongConsumer() {
                @Override
                public void accept(long h) {
                    listener = FastCalls.evconnlistener_new(state, base.pointer(), Upcalls.Listeners.ACCEPT,
                            Upcalls.arg(h), flags, backlog, fd);
                    fdTaken = !listener.equals(MemorySegment.NULL);
                    if (!fdTaken) {
                        listener = null;
                        throw new BindFailed(FastCalls.errno(state));
                    }
                }
            });
        } catch (Throwable t) {
            if (!fdTaken) {
                // libevent owns the descriptor only once it made the listener (abandon() freed that).
                LibC.close(fd);
            }
            throw t;
        } finally {
            scratch.reset(mark);
        }
        long mark2 = scratch.mark();
        try {
            started(scratch, port, inet);
        } finally {
            scratch.reset(mark2);
        }
    }

    /** Sets the error callback and learns the port; frees the listener if that fails. */
    private void started(Scratch scratch, int port, boolean inet) {
        LibEvent.evconnlistener_set_error_cb(listener, Upcalls.Listeners.ERROR);
        if (port != 0 || !inet) {
            this.port = port;
            return;
        }
        InetSocketAddress bound = SockAddr.of(scratch, LibEvent.evconnlistener_get_fd(listener), false);
        if (bound == null) {
            free();
            throw new IllegalStateException("getsockname failed on the listening socket");
        }
        this.port = bound.getPort();
    }

    /** {@return the port it listens on} */
    public int port() {
        return port;
    }

    /** Stops accepting for now (connections wait in the kernel's backlog). */
    public void pause() {
        LibEvent.evconnlistener_disable(listener);
    }

    /** Accepts again after {@link #pause()}. */
    public void resume() {
        LibEvent.evconnlistener_enable(listener);
    }

    @Override
    public void onAccept(Object ignored, int fd, MemorySegment address, int addressLength) {
        if (isFreed()) {
            LibC.close(fd);
            return;
        }
        target.accepted(fd);
    }

    @Override
    public void onAcceptError(Object ignored, int errno) {
        if (!isFreed()) {
            target.acceptFailed(errno);
        }
    }

    @Override
    protected void freeNative() {
        try {
            target.beforeFree();
        } finally {
            LibEvent.evconnlistener_free(listener);
            listener = null;
        }
    }

    @Override
    protected void abandon() {
        if (listener != null) {
            LibEvent.evconnlistener_free(listener);
            listener = null;
        }
    }

    @Override
    protected void released() {
        target.released();
    }
}
