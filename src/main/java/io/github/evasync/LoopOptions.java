package io.github.evasync;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How an {@link EventLoop} behaves: immutable, built by chaining from {@link #defaults()}.
 * <pre>{@code
 * LoopOptions o = LoopOptions.defaults().catchAppErrors(true).defaultEventHandler(ev -> log(ev));
 * }</pre>
 */
public final class LoopOptions {
    private static final System.Logger LOG = System.getLogger("io.github.evasync");

    /**
     * The handler used when none is set: rethrows every {@link ConnectionError} and every
     * exception that is not a condition, and ignores conditions that are only information
     * (such as {@link TcpEof}).
     */
    public static final EventHandler RETHROWING_HANDLER = LoopOptions::rethrowErrors;

    /** The live loop's default uncaught handler: logs at ERROR and lets the loop go on. */
    public static final Consumer<Throwable> LOGGING_UNCAUGHT_HANDLER =
            t -> LOG.log(System.Logger.Level.ERROR, "uncaught exception in an evasync callback", t);

    private static final LoopOptions DEFAULTS =
            new LoopOptions(false, RETHROWING_HANDLER, LOGGING_UNCAUGHT_HANDLER, false);

    private final boolean catchAppErrors;
    private final EventHandler defaultEventHandler;
    private final Consumer<Throwable> uncaughtHandler;
    private final boolean daemon;

    private LoopOptions(boolean catchAppErrors, EventHandler defaultEventHandler,
                        Consumer<Throwable> uncaughtHandler, boolean daemon) {
        this.catchAppErrors = catchAppErrors;
        this.defaultEventHandler = defaultEventHandler;
        this.uncaughtHandler = uncaughtHandler;
        this.daemon = daemon;
    }

    /** The defaults: application errors not caught, the rethrowing handler, a logging uncaught handler. */
    public static LoopOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Whether exceptions thrown by application callbacks go to the operation's
     * {@link EventHandler} (or the default handler) instead of ending the loop
     * (cl-async's {@code *catch-application-errors*}). Default false.
     *
     * @param catchAppErrors true to catch them
     * @return options with this setting
     */
    public LoopOptions catchAppErrors(boolean catchAppErrors) {
        return new LoopOptions(catchAppErrors, defaultEventHandler, uncaughtHandler, daemon);
    }

    /**
     * The handler for operations that have none (cl-async's {@code *default-event-handler*}).
     *
     * @param handler the handler; not null
     * @return options with this handler
     */
    public LoopOptions defaultEventHandler(EventHandler handler) {
        return new LoopOptions(catchAppErrors, Objects.requireNonNull(handler, "handler"), uncaughtHandler, daemon);
    }

    /**
     * Where a live loop ({@link EventLoop#start(LoopOptions)}) sends what would have ended a
     * {@link EventLoop#run} loop. Default: log and go on.
     *
     * @param handler the handler; not null
     * @return options with this handler
     */
    public LoopOptions uncaughtHandler(Consumer<Throwable> handler) {
        return new LoopOptions(catchAppErrors, defaultEventHandler, Objects.requireNonNull(handler, "handler"), daemon);
    }

    /**
     * Whether a live loop's thread is a daemon thread, which does not keep the JVM alive.
     * Default false: like Netty's and Vert.x's, a live loop keeps the JVM running until closed.
     *
     * @param daemon true for a daemon thread
     * @return options with this setting
     */
    public LoopOptions daemon(boolean daemon) {
        return new LoopOptions(catchAppErrors, defaultEventHandler, uncaughtHandler, daemon);
    }

    /** Whether application errors are caught. */
    public boolean catchAppErrors() {
        return catchAppErrors;
    }

    /** The handler for operations that have none. */
    public EventHandler defaultEventHandler() {
        return defaultEventHandler;
    }

    /** The live loop's uncaught handler. */
    public Consumer<Throwable> uncaughtHandler() {
        return uncaughtHandler;
    }

    /** Whether a live loop's thread is a daemon. */
    public boolean daemon() {
        return daemon;
    }

    private static void rethrowErrors(Exception event) {
        if (event instanceof ConnectionInfo && !(event instanceof ConnectionError)) {
            return;
        }
        if (event instanceof RuntimeException r) {
            throw r;
        }
        throw new java.lang.reflect.UndeclaredThrowableException(event, event.toString());
    }

    @Override
    public String toString() {
        return "LoopOptions[catchAppErrors=" + catchAppErrors + ", daemon=" + daemon + "]";
    }
}
