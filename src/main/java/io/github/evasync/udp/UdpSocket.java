package io.github.evasync.udp;

import io.github.evasync.SocketClosed;
import io.github.evasync.UdpError;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * A bound datagram socket (Node's {@code dgram.Socket}), made by {@code loop.udpSocket}. Each
 * datagram that arrives goes whole to its {@link DatagramCallback}; what fails (a datagram
 * refused, an ICMP error come back, a datagram too large to receive) goes to its handler as a
 * {@link UdpError}, and the socket goes on. It keeps its loop running until closed.
 *
 * <p>Sends made during one loop turn leave together, in one {@code sendmmsg}, once the turn's
 * callbacks (or the datagrams of one read batch) have run; what the kernel's send buffer cannot
 * take waits in a queue bounded by {@link UdpOptions#sendHighWatermark(int)}.
 *
 * <p>Every method except {@link #close()}, {@link #isClosed()}, {@link #data()} and
 * {@link #setData(Object)} throws {@link SocketClosed} once the socket is closed. Threads: see
 * the package documentation.
 */
public interface UdpSocket {
    /**
     * Sends {@code data} to {@code to}. An IPv4 address works from a dual-stack socket (bound to
     * every address), as its v4-mapped form; an IPv6 one from an IPv4 socket is refused. An
     * unresolved address is looked up as {@link #send(byte[], String, int)} does.
     *
     * @param data the datagram; the array is not copied but read when the datagram leaves (at
     *             the end of this turn, or once the kernel has room), so do not change it after
     *             sending (as Node's {@code dgram} asks of its buffers). From a thread that is
     *             not the loop's it is copied first.
     * @param to the destination
     * @return false once queued output is above the high watermark (the datagram is queued all
     *         the same): wait for {@link #onDrain(Runnable)} before sending more
     * @throws IllegalArgumentException for a null or oversized {@code data} (65507 bytes to IPv4,
     *         65527 to IPv6), a null {@code to}, port 0, or an IPv6 destination on an IPv4 socket
     * @throws SocketClosed if the socket is closed
     */
    boolean send(byte[] data, InetSocketAddress to);

    /**
     * Sends {@code data} to {@code host:port}; a name is looked up through the loop's DNS first
     * (an IPv4 socket takes IPv4 addresses, a dual-stack one prefers IPv6), an IP literal
     * ({@code "::1"}, {@code "[::1]"}) is not. A failed lookup goes to the handler as a
     * {@code DnsError}, and the datagram is dropped.
     *
     * @param data the datagram
     * @param host an IP literal or a host name
     * @param port the destination port, 1-65535
     * @return as {@link #send(byte[], InetSocketAddress)}; for a name, the state before the lookup
     * @throws IllegalArgumentException for a null or oversized {@code data}, a bad host or port
     * @throws SocketClosed if the socket is closed
     */
    boolean send(byte[] data, String host, int port);

    /**
     * Runs {@code callback} once, on the loop thread, when queued output falls below half the
     * high watermark after {@code send} returned false; at once (next turn) if nothing is queued.
     *
     * @param callback the callback
     * @throws SocketClosed if the socket is closed
     */
    void onDrain(Runnable callback);

    /**
     * Joins the multicast {@code group} on the interface the system chooses.
     *
     * @param group an IPv4 or IPv6 multicast address
     * @throws IllegalArgumentException if {@code group} is null or not multicast, or IPv6 on an
     *         IPv4 socket
     * @throws UdpError (thrown) when the system refuses, with its errno
     * @throws SocketClosed if the socket is closed
     */
    void joinGroup(InetAddress group);

    /**
     * Joins the multicast {@code group} on interface {@code ni}.
     *
     * @param group an IPv4 or IPv6 multicast address
     * @param ni the interface, or null for the one the system chooses
     * @throws IllegalArgumentException if {@code group} is null or not multicast, or IPv6 on an
     *         IPv4 socket
     * @throws UdpError (thrown) when the system refuses, with its errno
     * @throws SocketClosed if the socket is closed
     */
    void joinGroup(InetAddress group, NetworkInterface ni);

    /**
     * Leaves a group joined with {@link #joinGroup(InetAddress)}.
     *
     * @param group the group
     * @throws IllegalArgumentException as for join
     * @throws UdpError (thrown) when the system refuses (the group was not joined: EADDRNOTAVAIL)
     * @throws SocketClosed if the socket is closed
     */
    void leaveGroup(InetAddress group);

    /**
     * Leaves a group joined with {@link #joinGroup(InetAddress, NetworkInterface)}.
     *
     * @param group the group
     * @param ni the interface it was joined on, or null
     * @throws IllegalArgumentException as for join
     * @throws UdpError (thrown) when the system refuses
     * @throws SocketClosed if the socket is closed
     */
    void leaveGroup(InetAddress group, NetworkInterface ni);

    /**
     * Allows or forbids sending to broadcast addresses (SO_BROADCAST); off by default, when such
     * a send fails with {@code EACCES}.
     *
     * @param on true to allow
     * @throws SocketClosed if the socket is closed
     */
    void setBroadcast(boolean on);

    /**
     * {@return whether sending to broadcast addresses is allowed, as the kernel reports it}
     *
     * @throws SocketClosed if the socket is closed
     */
    boolean isBroadcast();

    /**
     * {@return the local port (useful after binding port 0)}
     *
     * @throws SocketClosed if the socket is closed
     */
    int port();

    /**
     * {@return the address and port the socket is bound to}
     *
     * @throws SocketClosed if the socket is closed
     */
    InetSocketAddress localAddress();

    /**
     * Closes the socket: what is queued is offered to the kernel once more, without waiting, and
     * whatever it does not take is dropped; no callback runs after this. Idempotent; safe from
     * any thread and inside the socket's own callbacks.
     */
    void close();

    /** {@return whether the socket is closed (by {@link #close()} or by its loop's end)} */
    boolean isClosed();

    /** {@return the object attached with {@link #setData(Object)}} */
    Object data();

    /**
     * Attaches an object of the application's to the socket.
     *
     * @param data the object, or null
     */
    void setData(Object data);
}
