package io.github.evasync;

import io.github.evasync.udp.UdpSocket;

import java.net.InetSocketAddress;

/**
 * A failure on a datagram socket: a datagram the kernel refused to send ({@code EMSGSIZE}, no
 * route), an ICMP error that came back for one sent ({@code ECONNREFUSED} from a closed port), a
 * datagram received larger than the socket takes (dropped, never delivered cut: {@code
 * EMSGSIZE}), or a socket that could not be bound (thrown by {@code loop.udpSocket}). The socket
 * keeps working after any error but the last. {@link #address()} is the peer the error concerns.
 */
public final class UdpError extends ConnectionError {
    /** The socket; not serialised. */
    private final transient UdpSocket socket;
    /** The address the error concerns, or null. */
    private final InetSocketAddress address;

    /**
     * Makes the condition, without a stack trace.
     *
     * @param socket the socket, or null
     * @param address the peer the error concerns (a datagram's destination or sender), or null
     * @param errcode errno, or -1 when evasync found the error
     * @param errmsg the text for {@code errcode}
     */
    public UdpError(UdpSocket socket, InetSocketAddress address, int errcode, String errmsg) {
        this(socket, address, errcode, errmsg, false);
    }

    /**
     * Makes the condition, with a stack trace when it is thrown at a caller.
     *
     * @param socket the socket, or null
     * @param address the peer or local address the error concerns, or null
     * @param errcode errno, or -1 when evasync found the error
     * @param errmsg the text for {@code errcode}
     * @param thrown whether to fill in a stack trace
     */
    public UdpError(UdpSocket socket, InetSocketAddress address, int errcode, String errmsg, boolean thrown) {
        super(errcode, errmsg, thrown);
        this.socket = socket;
        this.address = address;
    }

    /** {@return the socket, or null when none was made} */
    public UdpSocket socket() {
        return socket;
    }

    /** {@return the address the error concerns, or null} */
    public InetSocketAddress address() {
        return address;
    }

    /** {@return the error's text and code, then the address it concerns} */
    @Override
    public String getMessage() {
        String m = super.getMessage();
        return address == null ? m : m + " [" + address + "]";
    }
}
