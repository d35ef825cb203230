package io.github.evasync.internal.udp;

import io.github.evasync.EventHandler;
import io.github.evasync.internal.dns.DnsQuery;
import io.github.evasync.internal.ffi.DatagramReceive;
import io.github.evasync.internal.ffi.DatagramSend;
import io.github.evasync.internal.ffi.SockAddr;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.udp.DatagramCallback;
import io.github.evasync.udp.UdpOptions;
import io.github.evasync.udp.UdpSocket;

import java.net.InetAddress;
import java.util.Objects;

/** Makes UDP sockets for {@code EventLoop}, and checks their arguments. */
public final class Udp {
    /** The largest UDP payload over IPv4. */
    static final int MAX_IPV4 = 65507;
    private static final String LOCALHOST = "localhost";

    private Udp() {
    }

    /**
     * {@code udpSocket}: binds a socket, or throws a {@code UdpError}. The loop's receive and send
     * batches are made with its first socket. Loop thread only.
     */
    public static UdpSocket open(LoopCore core, String bind, int port, DatagramCallback callback, EventHandler handler,
                                 UdpOptions options) {
        InetAddress address = resolveBind(bind);
        DatagramReceive receive = core.attachment(DatagramReceive.class);
        if (receive == null) {
            receive = new DatagramReceive();
            core.attach(DatagramReceive.class, receive);
        }
        DatagramSend sends = core.attachment(DatagramSend.class);
        if (sends == null) {
            sends = new DatagramSend();
            core.attach(DatagramSend.class, sends);
        }
        return new UdpSocketImpl(core, address, port, callback, handler, options, receive, sends);
    }

    /** Checks {@code udpSocket}'s arguments, naming the one that is wrong. */
    public static void checkOpenArgs(String bind, int port, UdpOptions options) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        Objects.requireNonNull(options, "options");
        if (bind != null) {
            if (bind.isEmpty()) {
                throw new IllegalArgumentException("bindAddress must not be empty (null binds every address)");
            }
            if (literal(bind) == null && !LOCALHOST.equalsIgnoreCase(bind)) {
                throw new IllegalArgumentException("bindAddress must be an IP address (\"::1\" or \"[::1]\"),"
                        + " \"localhost\" or null for every address: " + bind);
            }
        }
    }

    /**
     * The address to bind: a literal as written, {@code localhost} as the loopback address. No
     * other name is taken: its lookup would block the loop thread (see {@link #checkOpenArgs}).
     */
    private static InetAddress resolveBind(String bind) {
        if (bind == null) {
            return null;
        }
        InetAddress literal = literal(bind);
        return literal != null ? literal : InetAddress.getLoopbackAddress();
    }

    static void checkData(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
    }

    static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
    }

    static void checkHost(String host) {
        DnsQuery.checkHost(host);
    }

    /** {@return the address {@code host} spells as an IP literal ("[::1]" too), or null for a name} */
    static InetAddress literal(String host) {
        return SockAddr.literal(host);
    }
}
