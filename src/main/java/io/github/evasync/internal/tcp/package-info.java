/**
 * The TCP implementation, not API: {@code Connection} (a socket on a libevent bufferevent, with
 * {@code DirectRead} reading byte-array sockets itself), {@code Listener} (a server on an
 * evconnlistener), {@code Tcp} (which makes both) and the sockets' input and output streams.
 *
 * <p>Loop thread only, except where a public method carries itself over through the loop's
 * core. The module does not export this package; nothing here is promised to stay.
 */
package io.github.evasync.internal.tcp;
