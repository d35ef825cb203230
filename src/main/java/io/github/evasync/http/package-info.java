/**
 * HTTP/1.1: the server side ({@link io.github.evasync.http.HttpServer},
 * {@link io.github.evasync.http.HttpRequest} and its handlers, {@link io.github.evasync.http.HttpServerOptions})
 * and the client side ({@link io.github.evasync.http.HttpRequestSpec},
 * {@link io.github.evasync.http.HttpResponse}, {@link io.github.evasync.http.HttpClientOptions}),
 * with {@link io.github.evasync.http.Headers} for both. The codec is evasync's own, on its TCP
 * sockets.
 *
 * <h2>Threads</h2>
 * Request handlers, body callbacks, drain callbacks and response callbacks run on the loop
 * thread. A request may be answered later and from anywhere: its methods follow the loop's rule
 * (see {@link io.github.evasync}), carried onto the loop when called from elsewhere.
 * {@code HttpServer.shutdown} is safe from any thread. The future of {@code loop.http(spec)} is
 * completed on the loop thread. Options objects and headers are immutable.
 */
package io.github.evasync.http;
