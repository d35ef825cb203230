package io.github.evasync.internal.http;

import io.github.evasync.internal.tcp.Tcp;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.ConnectionError;
import io.github.evasync.DnsError;
import io.github.evasync.EventHandler;
import io.github.evasync.HttpError;
import io.github.evasync.HttpRefused;
import io.github.evasync.HttpTimeout;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpRefused;
import io.github.evasync.TcpTimeout;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpResponseCallback;
import io.github.evasync.internal.dns.DnsQuery;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.internal.loop.LoopTimer;
import io.github.evasync.tcp.TcpSocket;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The loop's HTTP/1.1 client: our own response parser over evasync's TCP sockets, with
 * keep-alive connections kept per host and port (at most {@value #MAX_IDLE_PER_HOST} idle each).
 *
 * <p>A pooled connection carries the next request only while client and server agree on where
 * the last response ended:
 * <ul>
 * <li>A response that ends with bytes after it, a malformed one, and one whose framing is
 * faulty (both Content-Length and Transfer-Encoding, Transfer-Encoding on HTTP/1.0) never puts
 * its connection back in the pool.</li>
 * <li>An idle connection that receives a byte (an answer nobody asked for, the rest of a body
 * sent after a HEAD answer) is closed; the byte never becomes the next request's answer. An idle
 * connection stops reading at the end of the turn that gave it back (so it keeps no event added
 * and never keeps a loop alive), and bytes may then wait unseen in the kernel: before a request
 * is sent on such a connection (a "parked" one, or one that answered a HEAD), it reads again for
 * one turn of the loop, and anything it hears then, a byte or its end, sends the request
 * elsewhere. Nothing was sent, so that is safe for any method.</li>
 * <li>If the server closes a reused connection after the request went out and before any byte
 * of the answer, an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) is sent once
 * more on a new connection; any other (POST, PATCH, ...) fails with an {@code HttpError}, as
 * it may have been processed (RFC 9112 section 9.3.1).</li>
 * </ul>
 * What no HTTP/1.1 client can tell apart remains: bytes that arrive after a request went out
 * on a connection reused within the same turn are taken as its answer.
 */
public final class HttpClient {
    private static final int MAX_IDLE_PER_HOST = 8;
    private static final long MAX_IDLE_NANOS = 30_000_000_000L;
    private static final int MAX_CACHED_TARGETS = 256;
    /**
     * The wait before sending on a connection that was not read: a timer of 0 µs (libevent's
     * resolution) fires in the loop's next pass, which polls the sockets first.
     */
    private static final Duration ONE_TURN = Duration.ofNanos(1);

    private final LoopCore core;
    private final Map<String, ArrayDeque<Conn>> idle = new HashMap<>();
    /** Parsed URIs: a client usually asks the same few again and again. */
    private final Map<String, Target> targets = new HashMap<>();
    /** Connections given back this turn, to stop reading once the turn is over. */
    private final ArrayDeque<Conn> toPark = new ArrayDeque<>();

    private HttpClient(LoopCore core) {
        this.core = core;
    }

    /** The loop's client. */
    public static HttpClient of(LoopCore core) {
        return core.attachment(HttpClient.class, () -> new HttpClient(core));
    }

    /** A parsed {@code http://} URI. */
    record Target(String host, int port, String pathAndQuery, String hostHeader) {
        String key() {
            return host + ":" + port;
        }
    }

    /** Parses and checks a URI, naming what is wrong with it. */
    public static void check(String uri) {
        target(uri);
    }

    static Target target(String uri) {
        if (uri == null) {
            throw new IllegalArgumentException("uri must not be null");
        }
        URI u;
        try {
            u = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("uri is malformed: " + e.getMessage(), e);
        }
        if (!"http".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("uri must be http:// (https is not supported): " + uri);
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("uri has no host: " + uri);
        }
        if (u.getPort() == 0 || u.getPort() > 65535) {
            throw new IllegalArgumentException("uri port must be 1-65535: " + uri);
        }
        int port = u.getPort() < 0 ? 80 : u.getPort();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String pq = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            DnsQuery.checkHost(bare);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uri " + e.getMessage(), e);
        }
        return new Target(bare, port, pq, u.getPort() < 0 ? host : host + ":" + port);
    }

    /** Sends a request; exactly one of {@code callback} and {@code handler} hears back. */
    public void request(String uri, HttpClientOptions options, HttpResponseCallback callback, EventHandler handler) {
        Target t = targets.get(uri);
        if (t == null) {
            t = target(uri);
            if (targets.size() >= MAX_CACHED_TARGETS) {
                targets.clear();
            }
            targets.put(uri, t);
        }
        new Call(t, options, callback, handler).start(true);
    }

    /** Closes every idle keep-alive connection. */
    public void closeIdle() {
        for (ArrayDeque<Conn> q : idle.values()) {
            for (Conn c : q) {
                c.close();
            }
        }
        idle.clear();
    }

    private Conn takeIdle(String key) {
        ArrayDeque<Conn> q = idle.get(key);
        long now = System.nanoTime();
        while (q != null && !q.isEmpty()) {
            Conn c = q.pollFirst();
            if (!c.socket.isClosed() && now - c.idleSince < MAX_IDLE_NANOS) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private void giveBack(Conn c) {
        ArrayDeque<Conn> q = idle.computeIfAbsent(c.key, k -> new ArrayDeque<>());
        if (q.size() >= MAX_IDLE_PER_HOST) {
            c.close();
            return;
        }
        c.idleSince = System.nanoTime();
        c.call = null;
        q.addLast(c);
        // Not reading: an idle connection must not keep the loop running. But not at once: a
        // callback often sends its next request straight away, and stopping and restarting the
        // read would cost two epoll_ctl calls for nothing. So at the end of this turn.
        if (toPark.isEmpty()) {
            core.afterTurn(this::park);
        }
        toPark.addLast(c);
    }

    /** Stops reading on the connections that are still idle at the end of the turn that gave them back. */
    private void park() {
        for (Conn c; (c = toPark.pollFirst()) != null; ) {
            if (c.call == null && !c.socket.isClosed() && c.reading) {
                c.socket.disable(true, false);
                c.reading = false;
                c.unsure = true;
            }
        }
    }

    /** Takes {@code c} out of the pool, if it is there. */
    private void forget(Conn c) {
        ArrayDeque<Conn> q = idle.get(c.key);
        if (q != null) {
            q.remove(c);
        }
    }

    /** One TCP connection to a server. */
    private final class Conn {
        final String key;
        TcpSocket socket;
        Call call;
        long idleSince;
        boolean counted;
        /** Whether the socket is read (it is not while parked). */
        boolean reading = true;
        /** Bytes may be waiting unseen (parked, or after a HEAD answer): read for a turn before use. */
        boolean unsure;

        Conn(String key) {
            this.key = key;
        }

        void onData(byte[] data) {
            Call c = call;
            if (c != null) {
                c.onData(data);
            } else {
                // A byte on an idle connection: nobody asked for it, so the connection is out
                // of step with its server. It must never carry a request again.
                forget(this);
                closeNow();
            }
        }

        void onEvent(Exception ev) {
            Call c = call;
            if (c != null) {
                c.onEnded(ev);
            } else {
                // An idle connection ended: forget it.
                forget(this);
                uncount();
            }
        }

        void close() {
            uncount();
            socket.close();
        }

        void closeNow() {
            uncount();
            socket.closeNow();
        }

        void uncount() {
            if (counted) {
                counted = false;
                core.counts().http(false, -1);
            }
        }
    }

    /** One request and its response. */
    private final class Call {
        final Target target;
        final HttpClientOptions options;
        final HttpResponseCallback callback;
        final EventHandler handler;
        final boolean head;
        Conn conn;
        ResponseParser parser;
        LoopTimer timer;
        /** The one-turn wait before sending on a connection that was not read; null otherwise. */
        LoopTimer check;
        boolean reused;
        /** Whether the request went out on {@link #conn}. */
        boolean sent;
        boolean finished;

        Call(Target target, HttpClientOptions options, HttpResponseCallback callback, EventHandler handler) {
            this.target = target;
            this.options = options;
            this.callback = callback;
            this.handler = handler;
            this.head = options.method().equals("HEAD");
        }

        void start(boolean mayReuse) {
            parser = new ResponseParser(head, options.maxResponseBytes());
            sent = false;
            Conn c = mayReuse ? takeIdle(target.key()) : null;
            reused = c != null;
            if (c == null) {
                Conn fresh = new Conn(target.key());
                Tcp.checkConnectArgs(target.host(), target.port(), TcpOptions.defaults());
                fresh.socket = Tcp.connect(core, target.host(), target.port(), (s, d) -> fresh.onData(d),
                        fresh::onEvent, TcpOptions.defaults());
                fresh.counted = true;
                core.counts().http(false, 1);
                c = fresh;
            }
            conn = c;
            c.call = this;
            if (timer == null) {
                timer = core.delay(options.timeout(), () -> {
                    timer = null;
                    fail(new HttpTimeout(-1, "no complete response in " + options.timeout()), true);
                });
            }
            if (c.unsure) {
                // Bytes may be waiting unseen: read for a turn first, and send only if it stays silent.
                c.unsure = false;
                if (!c.reading) {
                    c.socket.enable(true, false);
                    c.reading = true;
                }
                Conn checked = c;
                check = core.delay(ONE_TURN, () -> {
                    check = null;
                    // After every callback of this turn, including the read of anything that was waiting.
                    core.afterTurn(() -> {
                        if (finished || conn != checked || sent) {
                            return;
                        }
                        if (checked.socket.isClosed()) {
                            restartElsewhere();
                        } else {
                            send();
                        }
                    });
                });
                return;
            }
            send();
        }

        void send() {
            sent = true;
            conn.socket.write(requestBytes());
        }

        /** Whether the method may be sent again on its own (RFC 9110 section 9.2.2). */
        boolean idempotent() {
            return switch (options.method()) {
                case "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE" -> true;
                default -> false;
            };
        }

        /** The connection being checked spoke or ended before the request went out: use another. */
        void restartElsewhere() {
            cancelCheck();
            Conn bad = conn;
            bad.call = null;
            bad.closeNow();
            start(true);
        }

        byte[] requestBytes() {
            StringBuilder sb = new StringBuilder(256);
            sb.append(options.method()).append(' ').append(target.pathAndQuery()).append(" HTTP/1.1\r\n");
            boolean hasHost = false;
            for (var e : options.headers().fields()) {
                String lower = e.getKey().toLowerCase(Locale.ROOT);
                if (lower.equals("content-length") || lower.equals("transfer-encoding")) {
                    continue;
                }
                hasHost |= lower.equals("host");
                sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
            }
            if (!hasHost) {
                sb.append("Host: ").append(target.hostHeader()).append("\r\n");
            }
            byte[] body = options.body();
            if (body != null || options.method().equals("POST") || options.method().equals("PUT")) {
                sb.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
            }
            sb.append("\r\n");
            byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (body == null || body.length == 0) {
                return head;
            }
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            return all;
        }

        void onData(byte[] data) {
            if (finished) {
                return;
            }
            if (!sent) {
                // Bytes before the request went out: an answer to nobody on a pooled connection.
                restartElsewhere();
                return;
            }
            ResponseParser.Parsed p;
            try {
                p = parser.feed(data);
            } catch (RuntimeException e) {
                fail(new HttpError(-1, "malformed response: " + e.getMessage()), true);
                return;
            }
            if (p != null) {
                complete(p);
            }
        }

        void onEnded(Exception ev) {
            if (finished) {
                return;
            }
            conn.uncount();
            if (!sent) {
                // A pooled connection ended (or broke) while idle: nothing was sent on it.
                restartElsewhere();
                return;
            }
            if (ev instanceof TcpEof) {
                ResponseParser.Parsed p = parser.end();
                if (p != null) {
                    complete(p);
                    return;
                }
                if (reused && !parser.started()) {
                    if (idempotent()) {
                        // The server had closed the idle connection: try once more on a new one.
                        conn.call = null;
                        start(false);
                        return;
                    }
                    fail(new HttpError(-1, "the server closed the reused connection after the request was sent"
                            + " and before any answer; " + options.method()
                            + " is not idempotent, so it is not sent again"), false);
                    return;
                }
                fail(new HttpError(-1, "the server closed the connection before the response was complete"), false);
            } else if (ev instanceof TcpRefused r) {
                fail(new HttpRefused(r.errcode(), r.errmsg()), false);
            } else if (ev instanceof TcpTimeout t) {
                fail(new HttpTimeout(t.errcode(), t.errmsg()), false);
            } else if (ev instanceof DnsError d) {
                fail(d, false);
            } else if (ev instanceof ConnectionError e) {
                fail(new HttpError(e.errcode(), e.errmsg()), false);
            } else {
                fail(new HttpError(-1, String.valueOf(ev.getMessage())), false);
            }
        }

        void complete(ResponseParser.Parsed p) {
            finished = true;
            cancelTimer();
            if (p.keepAlive() && !parser.extra() && !conn.socket.isClosed()) {
                giveBack(conn);
                if (head) {
                    // A server may send a body after a HEAD answer: look before the next use.
                    conn.unsure = true;
                }
            } else {
                conn.call = null;
                conn.close();
            }
            if (redirect(p)) {
                return;
            }
            try {
                callback.onResponse(p.status(), p.headers(), p.body());
            } catch (Throwable t) {
                core.callbackFailed(t, handler);
            }
        }

        /**
         * Follows a redirect when the options allow one more: a new request to the Location,
         * with the same callback and handler. 303, and 301/302 after a POST, become a GET
         * without a body; credentials stay behind when the host changes.
         */
        private boolean redirect(ResponseParser.Parsed p) {
            int status = p.status();
            String location = p.headers().get("Location");
            if (options.followRedirects() == 0 || location == null
                    || (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)) {
                return false;
            }
            String next;
            Target to;
            try {
                next = java.net.URI.create("http://" + target.hostHeader() + target.pathAndQuery()).resolve(location.strip())
                        .toString();
                to = target(next);
            } catch (IllegalArgumentException badLocation) {
                return false; // not a place we can go (https, no host, ...): the 3xx is the answer
            }
            HttpClientOptions o = options.followRedirects(options.followRedirects() - 1);
            boolean asGet = status == 303 || ((status == 301 || status == 302) && options.method().equals("POST"));
            if (asGet) {
                o = o.method(options.method().equals("HEAD") ? "HEAD" : "GET").body((byte[]) null);
            }
            if (!to.host().equalsIgnoreCase(target.host()) || to.port() != target.port()) {
                io.github.evasync.http.Headers.Builder kept = io.github.evasync.http.Headers.builder();
                for (var f : o.headers().fields()) {
                    String n = f.getKey();
                    if (!n.equalsIgnoreCase("Authorization") && !n.equalsIgnoreCase("Cookie")
                            && !n.equalsIgnoreCase("Host")) {
                        kept.add(n, f.getValue());
                    }
                }
                o = o.headers(kept.build());
            }
            new Call(to, o, callback, handler).start(true);
            return true;
        }

        void fail(Exception condition, boolean closeConnection) {
            if (finished) {
                return;
            }
            finished = true;
            cancelTimer();
            conn.call = null;
            if (closeConnection || !sent) {
                conn.closeNow();
            }
            core.deliver(condition, handler);
        }

        void cancelTimer() {
            if (timer != null) {
                timer.free();
                timer = null;
            }
            cancelCheck();
        }

        void cancelCheck() {
            if (check != null) {
                check.free();
                check = null;
            }
        }
    }
}
