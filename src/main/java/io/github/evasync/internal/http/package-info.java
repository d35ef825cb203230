/**
 * The HTTP/1.1 implementation, not API: the strict incremental request and response parsers,
 * the server ({@code HttpServerImpl}, one {@code HttpConnection} per client and one
 * {@code Exchange} per request) and the keep-alive client, all on evasync's TCP sockets.
 *
 * <p>Loop thread only, except where a public method carries itself over through the loop's
 * core. The module does not export this package; nothing here is promised to stay.
 */
package io.github.evasync.internal.http;
