package io.github.evasync.internal.http;

import io.github.evasync.http.Headers;
import io.github.evasync.http.HttpClientOptions;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a client call sends, apart from when and on which connection ({@link ClientCall}): the
 * request's bytes, whether it may be sent twice, and the request a redirect makes of it.
 */
final class ClientRequest {
    private ClientRequest() {
    }

    /**
     * The request line, headers and body of {@code options} for {@code target}. The framing is
     * ours: the caller's Content-Length and Transfer-Encoding are dropped, and a Content-Length
     * is sent whenever there is a body (and for every POST and PUT); Host is added unless given.
     */
    static byte[] bytes(ClientTarget target, HttpClientOptions options) {
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

    /** Whether {@code method} may be sent again on its own (RFC 9110 section 9.2.2). */
    static boolean idempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
    }

    /** Whether {@code status} is a redirect the client follows (when its options allow one more). */
    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * The options of the request a {@code status} redirect from {@code from} to {@code to} sends:
     * one redirect fewer left; 303, and 301/302 after a POST, become a GET (a HEAD stays a HEAD)
     * without a body; Authorization, Cookie and Host stay behind when the server changes.
     */
    static HttpClientOptions redirected(HttpClientOptions options, int status, ClientTarget from, ClientTarget to) {
        HttpClientOptions o = options.followRedirects(options.followRedirects() - 1);
        boolean asGet = status == 303 || ((status == 301 || status == 302) && options.method().equals("POST"));
        if (asGet) {
            o = o.method(options.method().equals("HEAD") ? "HEAD" : "GET").body((byte[]) null);
        }
        if (!from.sameServer(to)) {
            Headers.Builder kept = Headers.builder();
            for (var f : o.headers().fields()) {
                String n = f.getKey();
                if (!n.equalsIgnoreCase("Authorization") && !n.equalsIgnoreCase("Cookie")
                        && !n.equalsIgnoreCase("Host")) {
                    kept.add(n, f.getValue());
                }
            }
            o = o.headers(kept.build());
        }
        return o;
    }
}
