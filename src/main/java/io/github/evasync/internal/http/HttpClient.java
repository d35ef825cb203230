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

    private HttpClient(LoopCore core) {
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

    /** Sends a request; exactly one of {@code callback} and {@code handler} hears back. */
    public void request(String uri, HttpClientOptions options, HttpResponseCallback callback, EventHandler handler) {
        ClientTarget t = targets.get(uri);
        if (t == null) {
            t = ClientTarget.parse(uri);
            if (targets.size() >= MAX_CACHED_TARGETS) {
                targets.clear();
            }
            targets.put(uri, t);
        }
        new ClientCall(pool, t, options, callback, handler).start(true);
    }

    /** Closes every idle keep-alive connection. */
    public void closeIdle() {
        pool.closeIdle();
    }
}
