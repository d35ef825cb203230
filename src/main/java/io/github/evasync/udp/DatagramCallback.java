package io.github.evasync.udp;

import java.net.InetSocketAddress;

/** Receives each datagram a {@link UdpSocket} reads, whole, on the loop thread. */
@FunctionalInterface
public interface DatagramCallback {
    /**
     * A datagram arrived.
     *
     * @param socket the socket that read it
     * @param data its bytes, a new array the callback may keep
     * @param from who sent it; an IPv4 sender on a dual-stack socket is an IPv4 address
     */
    void onDatagram(UdpSocket socket, byte[] data, InetSocketAddress from);
}
