/**
 * Datagrams (UDP, as Node's {@code dgram} and Vert.x's {@code DatagramSocket}): a
 * {@link io.github.evasync.udp.UdpSocket} made by the loop's {@code udpSocket}, its
 * {@link io.github.evasync.udp.DatagramCallback} and its immutable
 * {@link io.github.evasync.udp.UdpOptions}; failures are {@link io.github.evasync.UdpError}s.
 *
 * <p>A socket reads with one {@code recvmmsg} per batch of datagrams and sends what was queued
 * during a loop turn with one {@code sendmmsg}, so a busy socket makes few system calls.
 *
 * <h2>Threads</h2>
 * Datagram and drain callbacks run on the socket's loop thread. Socket methods follow the loop's
 * rule (see {@link io.github.evasync}): from a thread that runs no loop they are carried over and
 * wait; from another loop's thread those without a result are queued, and {@code send} then
 * queues a copy of the datagram and returns the flow-control state last seen. {@code close} and
 * {@code isClosed} are safe from any thread.
 */
package io.github.evasync.udp;
