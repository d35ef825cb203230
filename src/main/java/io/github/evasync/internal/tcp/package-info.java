/**
 * The TCP implementation, not API: {@code Connection} (a socket on a libevent bufferevent, made
 * of the layers {@code BufferEvent}, {@code SocketInput} for its read path with
 * {@code DirectRead} reading byte-array sockets itself, and {@code SocketOutput} for its write
 * queue), {@code Connecting} (an outgoing connect while it lasts), {@code SocketErrors} (errno to
 * condition), {@code Listener} (a server on an evconnlistener), {@code Tcp} (which makes both)
 * and the sockets' input and output streams.
 *
 * <p>Loop thread only, except where a public method carries itself over through the loop's
 * core. The module does not export this package; nothing here is promised to stay.
 */
package io.github.evasync.internal.tcp;
