package io.github.evasync;

import java.time.Duration;
import java.util.List;
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

    /** The default time a DNS server has to answer one attempt of a query. */
    public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(5);

    private static final LoopOptions DEFAULTS =
            new LoopOptions(false, RETHROWING_HANDLER, LOGGING_UNCAUGHT_HANDLER, false, List.of(), DEFAULT_DNS_TIMEOUT);

    private final boolean catchAppErrors;
    private final EventHandler defaultEventHandler;
    private final Consumer<Throwable> uncaughtHandler;
    private final boolean daemon;
    private final List<String> nameservers;
    private final Duration dnsTimeout;

    private LoopOptions(boolean catchAppErrors, EventHandler defaultEventHandler,
                        Consumer<Throwable> uncaughtHandler, boolean daemon, List<String> nameservers,
                        Duration dnsTimeout) {
        this.catchAppErrors = catchAppErrors;
        this.defaultEventHandler = defaultEventHandler;
        this.uncaughtHandler = uncaughtHandler;
        this.daemon = daemon;
        this.nameservers = nameservers;
        this.dnsTimeout = dnsTimeout;
    }

    /** {@return the defaults: application errors not caught, the rethrowing handler, a logging uncaught handler} */
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
        return new LoopOptions(catchAppErrors, defaultEventHandler, uncaughtHandler, daemon, nameservers, dnsTimeout);
    }

    /**
     * The handler for operations that have none (cl-async's {@code *default-event-handler*}).
     *
     * @param handler the handler; not null
     * @return options with this handler
     */
    public LoopOptions defaultEventHandler(EventHandler handler) {
        return new LoopOptions(catchAppErrors, Objects.requireNonNull(handler, "handler"), uncaughtHandler, daemon,
                nameservers, dnsTimeout);
    }

    /**
     * Where a live loop ({@link EventLoop#start(LoopOptions)}) sends what would have ended a
     * {@link EventLoop#run} loop. Default: log and go on.
     *
     * @param handler the handler; not null
     * @return options with this handler
     */
    public LoopOptions uncaughtHandler(Consumer<Throwable> handler) {
        return new LoopOptions(catchAppErrors, defaultEventHandler, Objects.requireNonNull(handler, "handler"), daemon,
                nameservers, dnsTimeout);
    }

    /**
     * Whether a live loop's thread is a daemon thread, which does not keep the JVM alive.
     * Default false: like Netty's and Vert.x's, a live loop keeps the JVM running until closed.
     *
     * @param daemon true for a daemon thread
     * @return options with this setting
     */
    public LoopOptions daemon(boolean daemon) {
        return new LoopOptions(catchAppErrors, defaultEventHandler, uncaughtHandler, daemon, nameservers, dnsTimeout);
    }

    /**
     * DNS servers to ask instead of those in /etc/resolv.conf; /etc/hosts is still read.
     *
     * @param servers addresses in {@code "127.0.0.1"}, {@code "127.0.0.1:5353"} or
     *                {@code "[::1]:5353"} form; an empty list means /etc/resolv.conf's
     * @return options with these servers
     */
    public LoopOptions nameservers(List<String> servers) {
        Objects.requireNonNull(servers, "servers");
        for (String s : servers) {
            checkNameserver(s);
        }
        return new LoopOptions(catchAppErrors, defaultEventHandler, uncaughtHandler, daemon, List.copyOf(servers),
                dnsTimeout);
    }

    /**
     * How long a DNS server has for one attempt of a query (libevent tries 3 times). Default
     * {@link #DEFAULT_DNS_TIMEOUT}.
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public LoopOptions dnsTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new LoopOptions(catchAppErrors, defaultEventHandler, uncaughtHandler, daemon, nameservers, timeout);
    }

    /** {@return the DNS servers to ask; empty for those of /etc/resolv.conf} */
    public List<String> nameservers() {
        return nameservers;
    }

    /** {@return how long a DNS server has for one attempt of a query} */
    public Duration dnsTimeout() {
        return dnsTimeout;
    }

    private static void checkNameserver(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("servers must not hold a null or blank address");
        }
        String hostPart = s;
        String port = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("servers: unclosed [ in " + s);
            }
            hostPart = s.substring(1, end);
            if (end + 1 < s.length()) {
                // After the bracket only ":port" (it used to pass unread, and fail at the first lookup).
                if (s.charAt(end + 1) != ':') {
                    throw new IllegalArgumentException("servers: only :port may follow ] in " + s);
                }
                port = s.substring(end + 2);
            }
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
            hostPart = s.substring(0, s.indexOf(':'));
            port = s.substring(s.indexOf(':') + 1);
        }
        if (port != null) {
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("servers: bad port in " + s, e);
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("servers: port out of range in " + s);
            }
        }
        try {
            java.net.InetAddress.ofLiteral(hostPart);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("servers: not an IP address: " + s, e);
        }
    }

    /** {@return whether application errors are caught} */
    public boolean catchAppErrors() {
        return catchAppErrors;
    }

    /** {@return the handler for operations that have none} */
    public EventHandler defaultEventHandler() {
        return defaultEventHandler;
    }

    /** {@return the live loop's uncaught handler} */
    public Consumer<Throwable> uncaughtHandler() {
        return uncaughtHandler;
    }

    /** {@return whether a live loop's thread is a daemon} */
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
