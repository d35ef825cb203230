package io.github.evasync.http;

import io.github.evasync.EventHandler;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.TcpSocket;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One request to an {@link HttpServer}, and the way to answer it. Answer exactly once, with
 * {@link #respond} or with {@link #startChunked}, {@link #chunk} and {@link #end}; answers go out
 * in the order the requests came on their connection, whatever order they are given in.
 */
public interface HttpRequest {
    /** {@return the method, such as {@code GET}} */
    String method();

    /**
     * {@return the request target as sent, such as {@code /search?q=x}} It may also be an
     * absolute URI ({@code http://example.com/search?q=x}, as clients send to proxies), {@code *}
     * for OPTIONS, or {@code host:port} for CONNECT; the server refuses other forms with a 400.
     */
    String uri();

    /**
     * {@return the path without the query, such as {@code /search}} For an absolute-URI target,
     * its path ({@code /} when it has none); its authority is then the {@code Host} header's
     * value, whatever the client sent in that field (RFC 9112 section 3.2.2).
     */
    String resource();

    /** {@return the query without its {@code ?}, or null when there is none} */
    String queryString();

    /** {@return the protocol version, {@code HTTP/1.1} or {@code HTTP/1.0}} */
    String version();

    /** {@return the header fields} */
    Headers headers();

    /**
     * The body; empty when there is none.
     *
     * @return the body
     * @throws IllegalStateException when the server streams bodies
     *         ({@link HttpServerOptions#streamRequestBodies(boolean)}): use {@link #onBody}
     */
    byte[] body();

    /**
     * Where a streamed body goes ({@link HttpServerOptions#streamRequestBodies(boolean)}):
     * pieces that came before the callback was set are handed to it at once, in order, then
     * the rest as it arrives; the last call says {@code last}. A request without a body gets one
     * call with an empty piece. Until a callback is set, the server holds at most the output
     * high watermark's worth of body and then stops reading the connection.
     *
     * @param callback the receiver of the pieces
     * @throws IllegalStateException when bodies are not streamed
     */
    void onBody(BodyCallback callback);

    /**
     * Stops reading this request's body from the connection (the client is pushed back on);
     * pieces already read may still arrive. Answering the request ends the pause: the rest of
     * the body is then read so that the connection can go on.
     */
    void pause();

    /** Reads this request's body again after {@link #pause()}. */
    void resume();

    /** {@return the client's address} */
    InetSocketAddress remoteAddress();

    /**
     * Answers the request in one piece. Content-Length and Date are set for you.
     *
     * @param status the status code, 200-999 (a 101 is {@link #upgrade}'s to send)
     * @param headers extra header fields, or null; names and values must not hold CR, LF or NUL
     * @param body the body; sent for every method but HEAD
     * @throws IllegalStateException if the request was already answered
     * @throws IllegalArgumentException for a bad status or header
     */
    void respond(int status, Map<String, String> headers, byte[] body);

    /**
     * Answers with a text body, sent as UTF-8.
     *
     * @param status the status code
     * @param headers extra header fields, or null
     * @param body the body text
     */
    void respond(int status, Map<String, String> headers, String body);

    /**
     * Answers the request in one piece, with header fields that may repeat (two
     * {@code Set-Cookie} fields, say), sent in their order.
     *
     * @param status the status code, 200-999 (a 101 is {@link #upgrade}'s to send)
     * @param headers extra header fields, or null
     * @param body the body; sent for every method but HEAD
     */
    default void respond(int status, Headers headers, byte[] body) {
        respond(status, (Map<String, String>) headers, body);
    }

    /**
     * Answers with a text body, sent as UTF-8, and header fields that may repeat.
     *
     * @param status the status code
     * @param headers extra header fields, or null
     * @param body the body text
     */
    default void respond(int status, Headers headers, String body) {
        respond(status, (Map<String, String>) headers, body);
    }

    /**
     * Starts a streamed answer with {@code Transfer-Encoding: chunked} (HTTP/1.0 clients get the
     * bytes as they come and the connection closes at the end).
     *
     * @param status the status code
     * @param headers extra header fields, or null
     */
    void startChunked(int status, Map<String, String> headers);

    /**
     * Starts a streamed answer with header fields that may repeat.
     *
     * @param status the status code
     * @param headers extra header fields, or null
     */
    default void startChunked(int status, Headers headers) {
        startChunked(status, (Map<String, String>) headers);
    }

    /**
     * Sends one chunk of a streamed answer; an empty array sends nothing. Back-pressure works as
     * a socket's does: false means the connection's unsent output (or, for an answer waiting
     * behind earlier ones, this answer's held output) is above the server's
     * {@link HttpServerOptions#outputHighWatermark(long)}; stop and go on in
     * {@link #onDrain(Runnable)}.
     *
     * @param data the bytes
     * @return false once the unsent output is above the high watermark
     */
    boolean chunk(byte[] data);

    /**
     * Sets what runs once after {@link #chunk(byte[])} returned false, when the unsent output has
     * fallen below half the high watermark.
     *
     * @param onDrain the callback, or null to remove it
     */
    void onDrain(Runnable onDrain);

    /** Ends a streamed answer. */
    void end();

    /**
     * Switches the connection to another protocol (WebSocket, say): sends
     * {@code 101 Switching Protocols} with {@code headers} and hands the raw connection over as
     * a {@link TcpSocket} whose bytes go to {@code read} and conditions to {@code handler}. Bytes
     * the client sent past this request's head are delivered first. The server reads nothing
     * more of a request that asks for an upgrade until it is answered, by this or by
     * {@link #respond} (which declines it). The socket then no longer counts as an HTTP
     * connection of the server.
     *
     * @param headers the 101's fields (such as {@code Upgrade} and {@code Connection}), or null
     * @param read receives what arrives from now on, or null to discard it
     * @param handler receives the socket's conditions, or null for the loop's default
     * @return the connection, now a plain socket
     * @throws IllegalStateException if the request was answered already, is not an HTTP/1.1
     *         request, has no {@code Upgrade} field (RFC 9110 allows no 101 then), is not the only
     *         one waiting on its connection, or its streamed body is still arriving (upgrade from
     *         {@code onBody}'s last piece instead); the request can still be answered
     */
    TcpSocket upgrade(Headers headers, ReadCallback read, EventHandler handler);

    /** {@return whether the request has been answered completely} */
    boolean isAnswered();
}
