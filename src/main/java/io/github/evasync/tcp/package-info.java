/**
 * TCP: {@link io.github.evasync.tcp.TcpSocket} and {@link io.github.evasync.tcp.TcpServer} (made
 * by the loop's {@code tcpConnect}, {@code tcpServer} and {@code wrapFd}), their callbacks and
 * their immutable options, {@link io.github.evasync.tcp.TcpOptions} and
 * {@link io.github.evasync.tcp.ServerOptions}.
 *
 * <h2>Threads</h2>
 * Read, write, connect and drain callbacks run on the socket's loop thread. Socket and server
 * methods follow the loop's rule (see {@link io.github.evasync}): from a thread that runs no loop
 * they are carried over and wait; from another loop's thread those without a result are queued,
 * and {@code write} then returns the flow-control state last seen. {@code TcpServer.shutdown} is
 * safe from any thread. The zero-copy view of {@link io.github.evasync.tcp.ReadCallback#ofBuffer}
 * is valid on the loop thread and only during the callback.
 */
package io.github.evasync.tcp;
