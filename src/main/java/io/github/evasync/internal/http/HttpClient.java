package io.github.evasync.internal.http;

import io.github.evasync.EventHandler;
import io.github.evasync.http.HttpClientOptions;
import io.github.evasync.http.HttpResponseCallback;
import io.github.evasync.internal.loop.LoopCore;

import java.util.HashMap;
import java.util.Map;

/**
 * The loop's HTTP/1.1 client, as {@code EventLoop} sees it: our own response parser over
 * evasync's TCP sockets. Each request is a {@link ClientCall}; the keep-alive connections wait
 * in the loop's {@link ClientPool}. Loop thread only, but for {@link #check}.
 */
public final class HttpClient {
    private static final int MAX_CACHED_TARGETS = 256;

    private final ClientPool pool;
    /** Parsed URIs: a client usually asks the same few again and again. */
    private final Map<String, ClientTarget> targets = new HashMap<>();
    private final LoopCore core;

    private HttpClient(LoopCore core) {
        this.core = core;
        this.pool = new ClientPool(core);
    }

    /** The loop's client. */
    public static HttpClient of(LoopCore core) {
        // No computeIfAbsent with a lambda: this runs inside API calls on the loop thread (see LoopCore#call).
        HttpClient c = core.attachment(HttpClient.class);
        if (c == null) {
            c = new HttpClient(core);
            core.attach(HttpClient.class, c);
        }
        return c;
    }

    /** Parses and checks a URI, naming what is wrong with it; any thread. */
    public static void check(String uri) {
        ClientTarget.parse(uri);
    }

    /**
     * Sends a request; exactly one of {@code callback} and {@code handler} hears back, a bad
     * {@code uri} too (its {@link IllegalArgumentException} goes to {@code handler} on a later
     * turn, so that no handler runs inside the call that started the request).
     */
    public void request(String uri, HttpClientOptions options, HttpResponseCallback callback, EventHandler handler) {
        ClientTarget t = targets.get(uri);
        if (t == null) {
            try {
                t = ClientTarget.parse(uri);
            } catch (IllegalArgumentException bad) {
                refuse(bad, handler);
                return;
            }
            if (targets.size() >= MAX_CACHED_TARGETS) {
                targets.clear();
            }
            targets.put(uri, t);
        }
        new ClientCall(pool, t, options, callback, handler).start(true);
    }

    private void refuse(IllegalArgumentException bad, EventHandler handler) {
        try {
            core.execute(() -> core.errors().deliver(bad, handler));
        } catch (RuntimeException closing) {
            // The loop's last drain is past: no later turn comes, so the handler hears now.
            core.errors().deliver(bad, handler);
        }
    }

    /** Closes every idle keep-alive connection. */
    public void closeIdle() {
        pool.closeIdle();
    }
}
