package io.github.evasync;

import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.ffi.Native;
import io.github.evasync.internal.ffi.NativeEvent;
import io.github.evasync.internal.loop.LoopClosedException;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.dns.DnsCallback;
import io.github.evasync.dns.Family;
import io.github.evasync.internal.dns.DnsQuery;
import io.github.evasync.http.Headers;
import io.github.evasync.http.HttpHandler;
import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpRequestSpec;
import io.github.evasync.http.HttpResponse;
import io.github.evasync.http.HttpResponseCallback;
import io.github.evasync.internal.http.HttpClient;
import io.github.evasync.internal.http.HttpServerImpl;
import io.github.evasync.internal.signal.SignalWatch;
import io.github.evasync.internal.tcp.Tcp;
import io.github.evasync.signal.Signals;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import io.github.evasync.internal.udp.Udp;
import io.github.evasync.udp.DatagramCallback;
import io.github.evasync.udp.UdpOptions;
import io.github.evasync.udp.UdpSocket;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One libevent event loop: timers, sockets, DNS, HTTP and signals run on it, each calling back
 * on the loop's single thread (cl-async's event loop).
 *
 * <p>Two ways to have one. {@link #run(Consumer)} runs a loop on the calling thread until it has
 * nothing left to do, like cl-async's {@code start-event-loop}:
 * <pre>{@code
 * EventLoop.run(loop -> loop.delay(Duration.ofMillis(300), () -> System.out.println("tick")));
 * }</pre>
 * {@link #start()} runs a live loop on its own thread until {@link #close()}, for jshell and
 * for applications that keep their main thread.
 *
 * <p>Threads: {@link #execute}, {@link #submit}, {@link #exit()}, {@link #close()},
 * {@link #inLoop()} and {@link Event#activate()} are safe from any thread without waiting. Every
 * other method, called from a thread that is not the loop's, is carried onto the loop thread and
 * waits for its result, so it can be used from jshell; once the loop is closed such calls throw
 * {@link IllegalStateException} (a closed loop's sockets throw {@code SocketClosed}, its events
 * {@link EventFreed}, and closing them is a no-op).
 *
 * <p>Loops never wait for each other. Called from another loop's thread, a method without a
 * result is queued on this loop and returns at once (a socket's {@code write} then returns the
 * flow-control state last seen); a method that must return this loop's answer throws
 * {@link IllegalStateException}: use {@link #submit} and go on in the future's callback.
 *
 * <p>Errors: see {@link LoopOptions#catchAppErrors(boolean)} and {@link EventHandler}. An
 * exception that nothing catches ends a {@code run} loop, cancels its pending events and is
 * rethrown from {@code run}; on a live loop it goes to {@link LoopOptions#uncaughtHandler}.
 */
public final class EventLoop implements AutoCloseable {
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    /** The loop each loop thread runs; the core knows its thread, not its facade. */
    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    private final LoopCore core;
    private volatile Thread liveThread;

    private EventLoop(LoopOptions options, boolean live) {
        this.core = new LoopCore(Objects.requireNonNull(options, "options"), live);
    }

    /**
     * Runs a new loop on the calling thread (cl-async's {@code start-event-loop}), with default
     * options.
     *
     * @param start called on the loop thread once the loop exists, to start its work
     * @return true when the loop ran out of events, false when {@link #exit()} ended it
     */
    public static boolean run(Consumer<EventLoop> start) {
        return run(LoopOptions.defaults(), start);
    }

    /**
     * Runs a new loop on the calling thread until no events remain or {@link #exit()} is called;
     * every native resource of the loop is freed before it returns. An exception that escapes a
     * callback (see {@link LoopOptions#catchAppErrors(boolean)}) ends the loop, cancels its
     * pending events and is rethrown here with its own type.
     *
     * @param options the loop's options
     * @param start called on the loop thread once the loop exists, to start its work
     * @return true when the loop ran out of events, false when {@link #exit()} ended it
     */
    public static boolean run(LoopOptions options, Consumer<EventLoop> start) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(start, "start");
        EventLoop loop = new EventLoop(options, false);
        LoopCore core = loop.core;
        core.open();
        CURRENT.set(loop);
        boolean idle = false;
        Throwable escaped = null;
        try {
            try {
                start.accept(loop);
            } catch (Throwable t) {
                core.errors().callbackFailed(t, null);
            }
            idle = core.loop();
        } catch (Throwable t) {
            escaped = t;
        }
        try {
            core.shutdown();
        } catch (Throwable t) {
            // The first failure is what went wrong; one in freeing the loop comes second.
            if (escaped == null) {
                escaped = t;
            } else if (escaped != t) {
                escaped.addSuppressed(t);
            }
        } finally {
            CURRENT.remove();
        }
        if (escaped != null) {
            Throwable first = core.errors().failure();
            if (first != null && first != escaped) {
                first.addSuppressed(escaped);
                throw LoopCore.sneaky(first);
            }
            throw LoopCore.sneaky(escaped);
        }
        Throwable failure = core.errors().failure();
        if (failure != null) {
            throw LoopCore.sneaky(failure);
        }
        return idle && !core.exitRequested();
    }

    /**
     * Starts a live loop with default options; see {@link #start(LoopOptions)}.
     *
     * @return the running loop
     */
    public static EventLoop start() {
        return start(LoopOptions.defaults());
    }

    /**
     * Starts a live loop on a new thread named {@code evasync-loop-N}. It runs, even with
     * nothing to do, until {@link #close()}. Exceptions nothing catches go to
     * {@link LoopOptions#uncaughtHandler}.
     *
     * @param options the loop's options
     * @return the running loop
     */
    public static EventLoop start(LoopOptions options) {
        EventLoop loop = new EventLoop(options, true);
        LoopCore core = loop.core;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                core.open();
            } catch (Throwable e) {
                ready.completeExceptionally(e);
                return;
            }
            CURRENT.set(loop);
            ready.complete(null);
            try {
                core.loop();
            } catch (Throwable e) {
                core.errors().fatal(e);
            } finally {
                try {
                    core.shutdown();
                } finally {
                    CURRENT.remove();
                }
            }
        }, "evasync-loop-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(options.daemon());
        loop.liveThread = t;
        t.start();
        try {
            ready.join();
        } catch (CompletionException e) {
            throw LoopCore.sneaky(e.getCause());
        }
        return loop;
    }

    /** {@return the loop the calling thread runs, or null when it runs none} */
    public static EventLoop current() {
        return LoopCore.current() == null ? null : CURRENT.get();
    }

    /**
     * Whether libevent could be loaded; when false, {@link #unavailabilityCause()} says why and
     * every loop fails to start with that error.
     * @return whether libevent could be loaded; when false, {@link #unavailabilityCause()} says why and every loop fails to start with that error
     */
    public static boolean isAvailable() {
        return Native.isAvailable();
    }

    /** {@return why libevent could not be loaded (it names the files tried), or null when it was} */
    public static Throwable unavailabilityCause() {
        return Native.unavailabilityCause();
    }

    /** {@return the version of libevent in use, such as {@code 2.1.12-stable}} */
    public static String libeventVersion() {
        return Native.libeventVersion();
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    /**
     * Stops the loop (cl-async's {@code exit-event-loop}); pending events are cancelled. Safe
     * from any thread; returns without waiting.
     */
    public void exit() {
        core.exit();
    }

    /**
     * Stops the loop like {@link #exit()} and, for a live loop called from a thread that runs no
     * loop, waits for its thread to finish freeing it (from another loop's thread it returns at
     * once, since loops never wait for each other). Idempotent.
     */
    @Override
    public void close() {
        core.exit();
        Thread t = liveThread;
        // From another loop's thread it does not wait: loops never wait for each other.
        if (t != null && t != Thread.currentThread() && LoopCore.current() == null) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@return whether the loop has stopped or is stopping. Safe from any thread} */
    public boolean isClosed() {
        return !core.isOpen();
    }

    /**
     * Adds a callback run on the loop thread when the loop exits (cl-async's
     * {@code add-event-loop-exit-callback}). One added by an exit callback runs too, after the
     * others, and one added as the loop closes, once its exit callbacks have run, runs at once.
     *
     * @param callback what to run
     */
    public void onExit(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        if (!core.inLoop()) {
            core.run(() -> onExit(callback));
            return;
        }
        core.onExit(callback);
    }

    /** {@return whether the calling thread is this loop's thread. Safe from any thread} */
    public boolean inLoop() {
        return core.inLoop();
    }

    /**
     * Runs {@code task} on the loop thread on a later turn. Safe from any thread; tasks from one
     * thread run in the order given. An exception it throws is handled like any callback's. A
     * task accepted (this method returned) always runs, at the latest as the loop closes; an
     * {@code Error} such as a stack overflow thrown by this method may still leave the task
     * queued, to run like any other.
     *
     * @param task what to run
     * @throws IllegalStateException if the loop is closed
     */
    public void execute(Runnable task) {
        core.execute(task);
    }

    /**
     * Runs {@code task} on the loop thread and completes the future with its result or exception.
     * Safe from any thread.
     *
     * @param task what to run
     * @param <T> the result type
     * @return the future result
     * @throws IllegalStateException if the loop is closed
     */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return core.submit(task);
    }

    // ---- timers and events ---------------------------------------------------------------------

    /**
     * Runs {@code callback} once after {@code time} (cl-async's {@code delay}). The event frees
     * itself after it fires.
     *
     * @param time how long to wait; zero means the next turn of the loop
     * @param callback what to run
     * @return the event, which can be freed to cancel it
     */
    public Event delay(Duration time, Runnable callback) {
        return delay(time, callback, null);
    }

    /**
     * Runs {@code callback} once after {@code time}; with {@code catchAppErrors}, what it throws
     * goes to {@code handler}.
     *
     * @param time how long to wait; zero means the next turn of the loop
     * @param callback what to run
     * @param handler the handler for what {@code callback} throws, or null for the default
     * @return the event, which can be freed to cancel it
     */
    public Event delay(Duration time, Runnable callback, EventHandler handler) {
        checkTime(time, "time");
        Objects.requireNonNull(callback, "callback");
        if (!core.inLoop()) {
            return core.call(() -> delay(time, callback, handler));
        }
        core.dropNewborn();
        Event e = Event.timer(core, callback, handler, false, true);
        core.newborn = e;
        if (time.isZero()) {
            // An activation: after this turn's callbacks, in the order made, with no poll between
            // (a deadline, however near, waits for the next poll).
            e.activateNow();
        } else {
            e.addNow(time);
        }
        core.newborn = null;
        return e;
    }

    /**
     * Runs {@code callback} on the next turn of the loop.
     *
     * @param callback what to run
     * @return the event, which can be freed to cancel it
     */
    public Event delay(Runnable callback) {
        return delay(Duration.ZERO, callback, null);
    }

    /**
     * Runs {@code callback} every {@code time} until the event is freed (cl-async's
     * {@code interval}; {@link Event#free()} is {@code remove-interval}).
     *
     * @param time the period; must be positive
     * @param callback what to run
     * @return the event
     */
    public Event interval(Duration time, Runnable callback) {
        checkTime(time, "time");
        if (time.isZero()) {
            throw new IllegalArgumentException("time must be positive for an interval");
        }
        Objects.requireNonNull(callback, "callback");
        if (!core.inLoop()) {
            return core.call(() -> interval(time, callback));
        }
        core.dropNewborn();
        Event e = Event.timer(core, callback, null, true, false);
        core.newborn = e;
        e.addNow(time);
        core.newborn = null;
        return e;
    }

    /**
     * Makes an event that fires only when added with a timeout or activated (cl-async's
     * {@code make-event}). It lives until freed.
     *
     * @param callback what to run when it fires
     * @return the event
     */
    public Event makeEvent(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        if (!core.inLoop()) {
            return core.call(() -> makeEvent(callback));
        }
        return Event.timer(core, callback, null, false, false);
    }

    /**
     * Watches a file descriptor (cl-async's {@code watch-fd}) until the event is freed. At least
     * one callback must be given; the descriptor stays the caller's to close, after freeing the
     * event.
     *
     * @param fd the descriptor
     * @param onRead run when it is readable, or null
     * @param onWrite run when it is writable, or null
     * @param onTimeout run when {@code timeout} passes with neither, or null
     * @param timeout how long to wait for readiness before {@code onTimeout}, or null for ever
     * @return the event
     */
    public Event watchFd(int fd, Runnable onRead, Runnable onWrite, Runnable onTimeout, Duration timeout) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must not be negative: " + fd);
        }
        if (onRead == null && onWrite == null) {
            throw new IllegalArgumentException("onRead or onWrite must be given");
        }
        if (timeout != null) {
            checkTime(timeout, "timeout");
        }
        if (!core.inLoop()) {
            return core.call(() -> watchFd(fd, onRead, onWrite, onTimeout, timeout));
        }
        if (!LibC.isOpen(fd)) {
            // Refused before libevent grows its descriptor table to this number.
            throw new IllegalArgumentException("fd " + fd + " cannot be watched: it is not open");
        }
        short flags = (short) (NativeEvent.PERSIST | (onRead != null ? NativeEvent.READ : 0)
                | (onWrite != null ? NativeEvent.WRITE : 0));
        core.dropNewborn();
        Event e = new Event(core, fd, flags, onTimeout, onRead, onWrite, null, false);
        core.newborn = e;
        boolean added = e.addNow(timeout);
        core.newborn = null;
        if (!added) {
            e.free();
            throw new IllegalArgumentException("fd " + fd + " cannot be watched: it is closed, or of a kind epoll"
                    + " cannot wait on (a regular file or a directory)");
        }
        return e;
    }

    // ---- DNS -----------------------------------------------------------------------------------

    /**
     * Looks up {@code host} (cl-async's {@code dns-lookup}) for any address family; see
     * {@link #dnsLookup(String, Family, DnsCallback, EventHandler)}.
     *
     * @param host a host name or IP literal
     * @param callback receives the first address found
     * @param handler receives a {@link DnsError} when the lookup fails, or null for the default
     */
    public void dnsLookup(String host, DnsCallback callback, EventHandler handler) {
        dnsLookup(host, Family.UNSPEC, callback, handler);
    }

    /**
     * Looks up {@code host} asynchronously with the loop's resolver (libevent's evdns, reading
     * /etc/resolv.conf and /etc/hosts unless {@link LoopOptions#nameservers} says otherwise).
     * {@code callback} gets the first address of {@code family}; on failure (no such name, no
     * address of that family, no answer in time) {@code handler} gets exactly one
     * {@link DnsError} with libevent's code and text, and {@code callback} is not called. An IP
     * literal is answered on the next turn without a query. Neither runs before this returns.
     *
     * @param host a host name or IP literal
     * @param family the family wanted
     * @param callback receives the first address found
     * @param handler receives a {@link DnsError} when the lookup fails, or null for the default
     * @throws IllegalArgumentException if {@code host} is null, empty, over 255 bytes or has a
     *         label over 63 bytes
     * @throws IllegalStateException if {@code host} is a name and libevent's resolver
     *         (libevent_extra, Debian's {@code libevent-extra-2.1-7}) is not installed
     */
    public void dnsLookup(String host, Family family, DnsCallback callback, EventHandler handler) {
        DnsQuery.checkHost(host);
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(callback, "callback");
        if (!core.inLoop()) {
            core.run(() -> dnsLookup(host, family, callback, handler));
            return;
        }
        DnsQuery.lookup(core, host, family, new FirstAddress(callback), handler);
    }

    /**
     * Looks up every address of {@code host}, of any family. Safe from any thread.
     *
     * @param host a host name or IP literal
     * @return a future completed with the addresses, or with a {@link DnsError}
     */
    public CompletableFuture<List<InetAddress>> resolve(String host) {
        return resolve(host, Family.UNSPEC);
    }

    /**
     * Looks up every address of {@code host} of {@code family}. Safe from any thread.
     *
     * @param host a host name or IP literal
     * @param family the family wanted
     * @return a future completed with the addresses, or with a {@link DnsError} (with an
     *         {@code IllegalStateException} for a name when libevent's resolver is not installed)
     */
    public CompletableFuture<List<InetAddress>> resolve(String host, Family family) {
        Objects.requireNonNull(family, "family");
        CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
        try {
            DnsQuery.checkHost(host);
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(e);
            return result;
        }
        startOnLoop(new ResolveStart(core, result, host, family));
        return result;
    }

    /**
     * Starts the work behind a future on the loop: at once on the loop thread, else on its next
     * turn. Whatever the start throws completes the future, and so does the loop's end if it
     * comes first: every future completes.
     */
    private void startOnLoop(Start<?> start) {
        core.track(start.future);
        try {
            core.runOrQueue(start);
        } catch (LoopClosedException closed) {
            start.future.completeExceptionally(closed);
        }
    }

    /**
     * The work behind a future, started by {@link #startOnLoop}: whatever {@link #start()}
     * throws completes the future. Classes rather than lambdas, so that a call on the loop
     * thread links no call site where it may be cut short (see {@link LoopCore#call}).
     */
    private abstract static class Start<T> implements Runnable, EventHandler {
        final CompletableFuture<T> future;

        Start(CompletableFuture<T> future) {
            this.future = future;
        }

        abstract void start();

        @Override
        public final void run() {
            try {
                start();
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            } catch (Error e) {
                future.completeExceptionally(e);
                throw e;
            }
        }

        /** The work's failure completes the future. */
        @Override
        public final void onEvent(Exception event) {
            future.completeExceptionally(event);
        }
    }

    /** {@link #resolve}'s lookup. */
    private static final class ResolveStart extends Start<List<InetAddress>> implements Consumer<List<InetAddress>> {
        private final LoopCore core;
        private final String host;
        private final Family family;

        ResolveStart(LoopCore core, CompletableFuture<List<InetAddress>> future, String host, Family family) {
            super(future);
            this.core = core;
            this.host = host;
            this.family = family;
        }

        @Override
        void start() {
            DnsQuery.lookup(core, host, family, this, this);
        }

        @Override
        public void accept(List<InetAddress> all) {
            future.complete(all);
        }
    }

    /** {@link #http}'s request. */
    private static final class HttpStart extends Start<HttpResponse> implements HttpResponseCallback {
        private final LoopCore core;
        private final HttpRequestSpec spec;

        HttpStart(LoopCore core, CompletableFuture<HttpResponse> future, HttpRequestSpec spec) {
            super(future);
            this.core = core;
            this.spec = spec;
        }

        @Override
        void start() {
            HttpClient.of(core).request(spec.uri(), spec.options(), this, this);
        }

        @Override
        public void onResponse(int status, Headers headers, byte[] body) {
            future.complete(new HttpResponse(status, headers, body));
        }
    }

    /**
     * Hands a lookup's first address to a {@link DnsCallback}. A class rather than a lambda, so
     * that a lookup on the loop thread links no call site where it may be cut short (see
     * {@link LoopCore#call}).
     */
    private static final class FirstAddress implements Consumer<List<InetAddress>> {
        private final DnsCallback callback;

        FirstAddress(DnsCallback callback) {
            this.callback = callback;
        }

        @Override
        public void accept(List<InetAddress> all) {
            callback.resolved(all.get(0), Family.of(all.get(0)));
        }
    }

    // ---- TCP -----------------------------------------------------------------------------------

    /**
     * Connects to {@code host:port} (cl-async's {@code tcp-connect}). Returns at once; the
     * socket connects on the loop, and what fails reaches {@code handler} as a condition
     * ({@link TcpRefused}, {@link TcpTimeout}, {@link DnsError}, {@link TcpError}). A host name
     * is resolved by the loop's asynchronous DNS.
     *
     * @param host an IP literal or a host name
     * @param port the port, 1-65535
     * @param read receives what arrives, or null to discard it
     * @param handler receives the socket's conditions, or null for the loop's default handler
     * @return the socket; writes made before it connects are sent once it does
     */
    public TcpSocket tcpConnect(String host, int port, ReadCallback read, EventHandler handler) {
        return tcpConnect(host, port, read, handler, TcpOptions.defaults());
    }

    /**
     * Connects to {@code host:port} with options: data to send first, a connect callback, a
     * write callback for that data, and timeouts.
     *
     * @param host an IP literal or a host name
     * @param port the port, 1-65535
     * @param read receives what arrives, or null to discard it
     * @param handler receives the socket's conditions, or null for the loop's default handler
     * @param options the connection's options
     * @return the socket
     * @throws IllegalStateException if {@code host} is a name and libevent's resolver
     *         (libevent_extra, Debian's {@code libevent-extra-2.1-7}) is not installed
     */
    public TcpSocket tcpConnect(String host, int port, ReadCallback read, EventHandler handler, TcpOptions options) {
        Tcp.checkConnectArgs(host, port, options);
        if (!core.inLoop()) {
            return core.call(() -> tcpConnect(host, port, read, handler, options));
        }
        return Tcp.connect(core, host, port, read, handler, options);
    }

    /**
     * Listens on {@code bindAddress:port} (cl-async's {@code tcp-server}). Every accepted socket
     * calls {@code read} and {@code handler}.
     *
     * @param bindAddress an IP literal or local host name, or null for every address, IPv6 and IPv4 (dual
     *     stack; IPv4 alone where the system has no IPv6)
     * @param port the port, or 0 for any free one ({@link TcpServer#port()} tells which)
     * @param read receives what arrives on accepted sockets, or null to discard it
     * @param handler receives accepted sockets' and the server's conditions, or null for the default
     * @return the listening server
     * @throws TcpServerBindError if the address cannot be bound
     */
    public TcpServer tcpServer(String bindAddress, int port, ReadCallback read, EventHandler handler) {
        return tcpServer(bindAddress, port, read, handler, ServerOptions.defaults());
    }

    /**
     * Listens with options: a connect callback for each accepted socket, the backlog, and
     * SO_REUSEPORT.
     *
     * @param bindAddress an IP literal or local host name, or null for every address, IPv6 and IPv4 (dual
     *     stack; IPv4 alone where the system has no IPv6)
     * @param port the port, or 0 for any free one
     * @param read receives what arrives on accepted sockets, or null to discard it
     * @param handler receives accepted sockets' and the server's conditions, or null for the default
     * @param options the server's options
     * @return the listening server
     * @throws TcpServerBindError if the address cannot be bound
     */
    public TcpServer tcpServer(String bindAddress, int port, ReadCallback read, EventHandler handler,
                               ServerOptions options) {
        checkServerArgs(bindAddress, port, options);
        if (!core.inLoop()) {
            return core.call(() -> tcpServer(bindAddress, port, read, handler, options));
        }
        return Tcp.server(core, bindAddress, port, read, handler, options);
    }

    /**
     * Wraps a connected socket descriptor (cl-async's {@code init-tcp-socket :fd}); the socket
     * then owns it and closes it. It counts as an outgoing connection in {@link #stats()}.
     *
     * @param fd a connected stream socket
     * @param read receives what arrives, or null to discard it
     * @param handler receives the socket's conditions, or null for the default
     * @return the socket
     */
    public TcpSocket wrapFd(int fd, ReadCallback read, EventHandler handler) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must not be negative: " + fd);
        }
        if (!core.inLoop()) {
            return core.call(() -> wrapFd(fd, read, handler));
        }
        return Tcp.wrap(core, fd, read, handler);
    }

    // ---- Local stream sockets ------------------------------------------------------------------

    /**
     * Listens on the Unix-domain stream socket file {@code path}; see
     * {@link #unixServer(Path, ReadCallback, EventHandler, ServerOptions)}.
     *
     * @param path the socket file to make
     * @param read receives what arrives on accepted sockets, or null to discard it
     * @param handler receives accepted sockets' and the server's conditions, or null for the default
     * @return the listening server
     * @throws TcpServerBindError if the path is taken (a live server, a file that is not a socket) or cannot be made
     * @throws IllegalArgumentException if the path is empty or longer than 107 bytes
     */
    public TcpServer unixServer(Path path, ReadCallback read, EventHandler handler) {
        return unixServer(path, read, handler, ServerOptions.defaults());
    }

    /**
     * Listens on the Unix-domain stream socket file {@code path} (Node's {@code server.listen(path)}):
     * accepted sockets are {@link TcpSocket}s like TCP ones (flow control, timeouts, streams,
     * conditions, {@code shutdownOutput}), counted as local connections in {@link #stats()}. A
     * socket file that nothing listens on any more (left by a process that died) is replaced;
     * one a server listens on, or a file that is not a socket, is left alone and the call throws.
     * The file is removed when the server closes, or the loop does. While the server checks,
     * binds and listens it holds an advisory lock on {@code path + ".lock"} (made if missing and
     * left in place), so that two evasync servers starting on one path at once, in one process
     * or two, never both take it. The TCP options
     * ({@code noDelay}, {@code keepAlive}, {@code reusePort}) do not apply and are ignored.
     *
     * @param path the socket file to make (at most 107 bytes: use a short or relative path)
     * @param read receives what arrives on accepted sockets, or null to discard it
     * @param handler receives accepted sockets' and the server's conditions, or null for the default
     * @param options the server's options
     * @return the listening server; {@link TcpServer#path()} is {@code path}, its port 0
     * @throws TcpServerBindError if the path is taken (a live server, a file that is not a socket) or cannot be made
     * @throws IllegalArgumentException if the path is empty or longer than 107 bytes
     */
    public TcpServer unixServer(Path path, ReadCallback read, EventHandler handler, ServerOptions options) {
        Tcp.checkUnixPath(path, "path");
        Objects.requireNonNull(options, "options");
        if (!core.inLoop()) {
            return core.call(() -> unixServer(path, read, handler, options));
        }
        return Tcp.unixServer(core, path, read, handler, options);
    }

    /**
     * Connects to the Unix-domain stream socket file {@code path}; see
     * {@link #unixConnect(Path, ReadCallback, EventHandler, TcpOptions)}.
     *
     * @param path the socket file a server listens on
     * @param read receives what arrives, or null to discard it
     * @param handler receives the socket's conditions, or null for the loop's default handler
     * @return the socket
     * @throws IllegalArgumentException if the path is empty or longer than 107 bytes
     */
    public TcpSocket unixConnect(Path path, ReadCallback read, EventHandler handler) {
        return unixConnect(path, read, handler, TcpOptions.defaults());
    }

    /**
     * Connects to the Unix-domain stream socket file {@code path} (Node's
     * {@code net.connect(path)}). Returns at once with a {@link TcpSocket} like a TCP one; a path
     * with no file reaches {@code handler} as a {@link TcpError} with {@code ENOENT}, a socket file
     * nothing listens on as a {@link TcpRefused}. The socket counts as an outgoing local
     * connection in {@link #stats()}; {@code noDelay} and {@code keepAlive} do not apply to it.
     * Over TLS ({@link TcpOptions#tls}), the settings must name the server
     * ({@link io.github.evasync.tls.TlsOptions#serverName}): there is no host name to check the
     * certificate against otherwise.
     *
     * @param path the socket file a server listens on
     * @param read receives what arrives, or null to discard it
     * @param handler receives the socket's conditions, or null for the loop's default handler
     * @param options the connection's options
     * @return the socket; writes made before it connects are sent once it does
     * @throws IllegalArgumentException if the path is empty or longer than 107 bytes, or TLS
     *     settings name no server
     */
    public TcpSocket unixConnect(Path path, ReadCallback read, EventHandler handler, TcpOptions options) {
        Tcp.checkUnixPath(path, "path");
        Objects.requireNonNull(options, "options");
        if (options.tls() != null && options.tls().serverName() == null) {
            throw new IllegalArgumentException("options.tls() must name the server (TlsOptions.serverName) "
                    + "on a Unix socket: there is no host to check its certificate against");
        }
        if (!core.inLoop()) {
            return core.call(() -> unixConnect(path, read, handler, options));
        }
        return Tcp.unixConnect(core, path, read, handler, options, null);
    }

    /**
     * Serves HTTP/1.1 on the Unix-domain socket file {@code unixSocket} with default limits; see
     * {@link #httpServer(Path, HttpHandler, EventHandler, HttpServerOptions)}.
     *
     * @param unixSocket the socket file to make
     * @param handler called with each request
     * @param eventHandler receives the server's conditions (such as accept errors), or null
     * @return the server
     * @throws TcpServerBindError if the path is taken or cannot be made
     */
    public HttpServer httpServer(Path unixSocket, HttpHandler handler, EventHandler eventHandler) {
        return httpServer(unixSocket, handler, eventHandler, HttpServerOptions.defaults());
    }

    /**
     * Serves HTTP/1.1 on the Unix-domain socket file {@code unixSocket}, as
     * {@link #httpServer(String, int, HttpHandler, EventHandler, HttpServerOptions)} does on a
     * port: for a proxy in front ({@code proxy_pass http://unix:/path:} in nginx) or
     * {@code curl --unix-socket}. The socket file follows
     * {@link #unixServer(Path, ReadCallback, EventHandler, ServerOptions)}'s rules (a stale one
     * is replaced, it is removed on close); its connections count both as incoming HTTP and as
     * incoming local connections in {@link #stats()}. {@link HttpServer#port()} is 0.
     *
     * @param unixSocket the socket file to make (at most 107 bytes)
     * @param handler called with each request
     * @param eventHandler receives the server's conditions (such as accept errors), or null
     * @param options limits and timeouts ({@code reusePort} does not apply)
     * @return the server
     * @throws TcpServerBindError if the path is taken or cannot be made
     * @throws IllegalArgumentException if the path is empty or longer than 107 bytes
     */
    public HttpServer httpServer(Path unixSocket, HttpHandler handler, EventHandler eventHandler,
                                 HttpServerOptions options) {
        Objects.requireNonNull(handler, "handler");
        Tcp.checkUnixPath(unixSocket, "unixSocket");
        Objects.requireNonNull(options, "options");
        if (!core.inLoop()) {
            return core.call(() -> httpServer(unixSocket, handler, eventHandler, options));
        }
        return HttpServerImpl.start(core, unixSocket, handler, eventHandler, options);
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    /**
     * Serves HTTP/1.1 on {@code bind:port} (cl-async's {@code http-server}) with default limits;
     * see {@link #httpServer(String, int, HttpHandler, EventHandler, HttpServerOptions)}.
     *
     * @param bind an IP literal or local host name, or null for every address, IPv6 and IPv4 (dual
     *     stack; IPv4 alone where the system has no IPv6)
     * @param port the port, or 0 for any free one
     * @param handler called with each request
     * @param eventHandler receives the server's conditions (such as accept errors), or null
     * @return the server
     */
    public HttpServer httpServer(String bind, int port, HttpHandler handler, EventHandler eventHandler) {
        return httpServer(bind, port, handler, eventHandler, HttpServerOptions.defaults());
    }

    /**
     * Serves HTTP/1.1 on {@code bind:port}: keep-alive, pipelining (answers in request order),
     * Content-Length and chunked request bodies, {@code Expect: 100-continue}, and the limits
     * and timeouts of {@code options}. Malformed requests get a 4xx answer and their connection
     * is closed; the server goes on serving others. A request may be answered later from any
     * callback on the loop.
     *
     * @param bind an IP literal or local host name, or null for every address, IPv6 and IPv4 (dual
     *     stack; IPv4 alone where the system has no IPv6)
     * @param port the port, or 0 for any free one
     * @param handler called with each request
     * @param eventHandler receives the server's conditions (such as accept errors), or null
     * @param options limits and timeouts
     * @return the server
     * @throws TcpServerBindError if the address cannot be bound
     */
    public HttpServer httpServer(String bind, int port, HttpHandler handler, EventHandler eventHandler,
                                 HttpServerOptions options) {
        Objects.requireNonNull(handler, "handler");
        checkServerArgs(bind, port, options);
        if (!core.inLoop()) {
            return core.call(() -> httpServer(bind, port, handler, eventHandler, options));
        }
        return HttpServerImpl.start(core, bind, port, handler, eventHandler, options);
    }

    /**
     * Sends a GET to {@code uri} (cl-async's {@code http-client}); see
     * {@link #httpClient(String, HttpResponseCallback, EventHandler, HttpClientOptions)}.
     *
     * @param uri an {@code http://} or {@code https://} URI
     * @param callback receives the complete response
     * @param handler receives the failure, or null for the default handler
     */
    public void httpClient(String uri, HttpResponseCallback callback, EventHandler handler) {
        httpClient(uri, callback, handler, HttpClientOptions.defaults());
    }

    /**
     * Sends an HTTP/1.1 request and hands the complete response to {@code callback}, or one
     * condition to {@code handler}: {@link HttpRefused}, {@link HttpTimeout}, {@link DnsError},
     * {@link TlsError} for an {@code https://} handshake that failed (an untrusted chain, a
     * certificate for another host; see {@link HttpClientOptions#tls}), or {@link HttpError} for a
     * malformed or cut-short response. Host names go through the loop's DNS; connections are kept
     * alive and reused per scheme, host and port (and TLS settings). Redirects are not followed
     * unless {@link HttpClientOptions#followRedirects(int)} says so: a 3xx is a response like any
     * other.
     *
     * <p>A {@code uri} that is not an {@code http://} or {@code https://} URI with a host is a
     * failure like the others: {@code handler} (or the default handler, which rethrows it) receives
     * an {@link IllegalArgumentException} naming what is wrong, on the loop thread and never
     * inside this call, and {@code callback} is not called.
     *
     * @param uri an {@code http://} or {@code https://} URI
     * @param callback receives the complete response
     * @param handler receives the failure, or null for the default handler
     * @param options method, headers, body and timeout
     * @throws NullPointerException if {@code callback} or {@code options} is null
     */
    public void httpClient(String uri, HttpResponseCallback callback, EventHandler handler, HttpClientOptions options) {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(options, "options");
        if (!core.inLoop()) {
            core.run(() -> httpClient(uri, callback, handler, options));
            return;
        }
        HttpClient.of(core).request(uri, options, callback, handler);
    }

    /**
     * Sends a request and completes the future with the response or the condition. Safe from
     * any thread.
     *
     * @param spec the URI and options
     * @return the future response; it completes exceptionally with an
     *         {@link IllegalArgumentException} when the URI is not a usable {@code http://} or {@code https://} URI,
     *         and with a {@link NullPointerException} when {@code spec} is null
     */
    public CompletableFuture<HttpResponse> http(HttpRequestSpec spec) {
        CompletableFuture<HttpResponse> f = new CompletableFuture<>();
        if (spec == null) {
            // Every future completes, exceptionally for a bad argument (API.md), null included.
            f.completeExceptionally(new NullPointerException("spec"));
            return f;
        }
        try {
            HttpClient.check(spec.uri());
        } catch (IllegalArgumentException e) {
            f.completeExceptionally(e);
            return f;
        }
        startOnLoop(new HttpStart(core, f, spec));
        return f;
    }

    /** Closes the HTTP client's idle keep-alive connections. */
    public void closeIdleHttpConnections() {
        if (!core.inLoop()) {
            core.run(this::closeIdleHttpConnections);
            return;
        }
        HttpClient.of(core).closeIdle();
    }

    // ---- signals -------------------------------------------------------------------------------

    /**
     * Handles {@code signo} on this loop (cl-async's {@code signal-handler}); see
     * {@link #signalHandler(int, IntConsumer, EventHandler)}.
     *
     * @param signo a signal number, such as {@link Signals#SIGINT}
     * @param callback run on the loop thread for each delivery
     */
    public void signalHandler(int signo, IntConsumer callback) {
        signalHandler(signo, callback, null);
    }

    /**
     * Handles {@code signo} on this loop: {@code callback} runs on the loop thread each time the
     * signal arrives (signals that arrive together may be delivered once). A handler replaces
     * this loop's earlier one for the signal and keeps the loop running until it is freed.
     * Only one loop at a time may handle signals.
     *
     * @param signo a signal number, such as {@link Signals#SIGINT}
     * @param callback run on the loop thread for each delivery
     * @param handler receives what {@code callback} throws, with {@code catchAppErrors}
     * @throws IllegalArgumentException if the signal belongs to the JVM (see {@link Signals})
     * @throws IllegalStateException if another loop handles signals
     */
    public void signalHandler(int signo, IntConsumer callback, EventHandler handler) {
        SignalWatch.check(signo);
        Objects.requireNonNull(callback, "callback");
        if (!core.inLoop()) {
            SignalWatch.checkOwner(core); // the refusal reaches a caller from another loop too
            core.run(() -> signalHandler(signo, callback, handler));
            return;
        }
        SignalWatch.add(core, signo, callback, handler);
    }

    /**
     * Frees this loop's handler for {@code signo} (cl-async's {@code free-signal-handler}); the
     * handler that was in place before, such as the JVM's, is restored. No-op when there is none.
     *
     * @param signo a signal number
     */
    public void freeSignalHandler(int signo) {
        if (!core.inLoop()) {
            core.run(() -> freeSignalHandler(signo));
            return;
        }
        SignalWatch.remove(core, signo);
    }

    /** Frees every signal handler of this loop (cl-async's {@code clear-signal-handlers}). */
    public void clearSignalHandlers() {
        if (!core.inLoop()) {
            core.run(this::clearSignalHandlers);
            return;
        }
        SignalWatch.clear(core);
    }

    // ---- Datagrams ----

    /**
     * Binds a UDP socket to {@code bindAddress:port} (Node's {@code dgram.createSocket} and
     * {@code bind}); see {@link #udpSocket(String, int, DatagramCallback, EventHandler, UdpOptions)}.
     *
     * @param bindAddress an IP literal or local host name, or null for every address, IPv6 and IPv4
     * @param port the port, or 0 for any free one ({@link UdpSocket#port()} tells which)
     * @param callback receives each datagram with its sender, or null to discard them
     * @param handler receives the socket's {@link UdpError}s, or null for the default
     * @return the bound socket
     * @throws UdpError if the address cannot be bound (in use, not this host's)
     */
    public UdpSocket udpSocket(String bindAddress, int port, DatagramCallback callback, EventHandler handler) {
        return udpSocket(bindAddress, port, callback, handler, UdpOptions.defaults());
    }

    /**
     * Binds a UDP socket with options. It reads as long as it is open and keeps the loop running
     * until {@link UdpSocket#close()}. A null {@code bindAddress} binds {@code ::} with IPv4
     * mapped in (dual stack), or {@code 0.0.0.0} where the system has no IPv6; an IPv4 literal
     * makes an IPv4 socket, an IPv6 one an IPv6 socket.
     *
     * @param bindAddress an IP literal or local host name, or null for every address, IPv6 and IPv4
     * @param port the port, or 0 for any free one
     * @param callback receives each datagram with its sender, or null to discard them
     * @param handler receives the socket's {@link UdpError}s, or null for the default
     * @param options the socket's options
     * @return the bound socket
     * @throws UdpError if the address cannot be bound (in use, not this host's)
     * @throws IllegalArgumentException for a port outside 0-65535 or a malformed address
     */
    public UdpSocket udpSocket(String bindAddress, int port, DatagramCallback callback, EventHandler handler,
                               UdpOptions options) {
        Udp.checkOpenArgs(bindAddress, port, options);
        if (!core.inLoop()) {
            return core.call(() -> udpSocket(bindAddress, port, callback, handler, options));
        }
        return Udp.open(core, bindAddress, port, callback, handler, options);
    }

    // ---- introspection -------------------------------------------------------------------------

    /** {@return the loop's counters (cl-async's {@code stats})} */
    public LoopStats stats() {
        if (!core.inLoop()) {
            return core.call(this::stats);
        }
        return core.stats();
    }

    /** {@return libevent's listing of the loop's events (cl-async's {@code dump-event-loop-status})} */
    public String dumpStatus() {
        if (!core.inLoop()) {
            return core.call(this::dumpStatus);
        }
        return core.eventBase().dump();
    }

    @Override
    public String toString() {
        Thread t = core.thread();
        return "EventLoop[" + (core.live() ? "live" : "run") + (isClosed() ? ", closed" : "")
                + (t != null ? ", thread=" + t.getName() : "") + "]";
    }

    private static void checkServerArgs(String bind, int port, Object options) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        Objects.requireNonNull(options, "options");
        if (bind != null) {
            DnsQuery.checkHost(bind);
        }
    }

    private static void checkTime(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }
}
