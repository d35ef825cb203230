package io.github.evasync.udp;

/**
 * Options of {@code loop.udpSocket}: immutable, built by chaining from {@link #defaults()}.
 */
public final class UdpOptions {
    /** The largest UDP payload over IPv6 without jumbograms; over IPv4 it is 65507. */
    public static final int MAX_DATAGRAM = 65527;
    /** The default bound on queued output, in bytes. */
    public static final int DEFAULT_SEND_HIGH_WATERMARK = 256 * 1024;

    private static final UdpOptions DEFAULTS = new UdpOptions(MAX_DATAGRAM, 0, 0, false, DEFAULT_SEND_HIGH_WATERMARK, true, 1);

    private final int maxDatagramSize;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final boolean reuseAddress;
    private final int sendHighWatermark;
    private final boolean multicastLoopback;
    private final int multicastTtl;

    private UdpOptions(int maxDatagramSize, int receiveBufferSize, int sendBufferSize, boolean reuseAddress,
                       int sendHighWatermark, boolean multicastLoopback, int multicastTtl) {
        this.maxDatagramSize = maxDatagramSize;
        this.receiveBufferSize = receiveBufferSize;
        this.sendBufferSize = sendBufferSize;
        this.reuseAddress = reuseAddress;
        this.sendHighWatermark = sendHighWatermark;
        this.multicastLoopback = multicastLoopback;
        this.multicastTtl = multicastTtl;
    }

    /**
     * {@return the defaults: every datagram received whole ({@value #MAX_DATAGRAM} bytes), the
     * system's buffer sizes, no SO_REUSEADDR, a {@value #DEFAULT_SEND_HIGH_WATERMARK}-byte send
     * queue, multicast looped back to this host with a TTL of 1}
     */
    public static UdpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The largest datagram the socket receives. A larger one is dropped and reported to the
     * socket's handler as a {@code UdpError} ({@code EMSGSIZE}, with its sender), never delivered
     * cut. Smaller values let a loop read more datagrams per system call with the same memory.
     *
     * @param bytes 1 to {@value #MAX_DATAGRAM}
     * @return options with this size
     */
    public UdpOptions maxDatagramSize(int bytes) {
        if (bytes < 1 || bytes > MAX_DATAGRAM) {
            throw new IllegalArgumentException("maxDatagramSize must be 1-" + MAX_DATAGRAM + ": " + bytes);
        }
        return new UdpOptions(bytes, receiveBufferSize, sendBufferSize, reuseAddress, sendHighWatermark,
                multicastLoopback, multicastTtl);
    }

    /**
     * The kernel's receive buffer (SO_RCVBUF; Linux doubles it and caps it at
     * {@code net.core.rmem_max}).
     *
     * @param bytes a positive size, or 0 for the system's default
     * @return options with this size
     */
    public UdpOptions receiveBufferSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("receiveBufferSize must not be negative: " + bytes);
        }
        return new UdpOptions(maxDatagramSize, bytes, sendBufferSize, reuseAddress, sendHighWatermark,
                multicastLoopback, multicastTtl);
    }

    /**
     * The kernel's send buffer (SO_SNDBUF).
     *
     * @param bytes a positive size, or 0 for the system's default
     * @return options with this size
     */
    public UdpOptions sendBufferSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("sendBufferSize must not be negative: " + bytes);
        }
        return new UdpOptions(maxDatagramSize, receiveBufferSize, bytes, reuseAddress, sendHighWatermark,
                multicastLoopback, multicastTtl);
    }

    /**
     * Whether to set SO_REUSEADDR, so several sockets (of this or other processes) may bind the
     * same port: what multicast receivers on a well-known port do.
     *
     * @param reuse true to set it
     * @return options with this setting
     */
    public UdpOptions reuseAddress(boolean reuse) {
        return new UdpOptions(maxDatagramSize, receiveBufferSize, sendBufferSize, reuse, sendHighWatermark,
                multicastLoopback, multicastTtl);
    }

    /**
     * The bound on output queued while the kernel's send buffer is full: above it {@code send}
     * returns false (the datagram is still queued), and {@code onDrain} runs once the queue is
     * below half of it.
     *
     * @param bytes a positive count
     * @return options with this bound
     */
    public UdpOptions sendHighWatermark(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("sendHighWatermark must be positive: " + bytes);
        }
        return new UdpOptions(maxDatagramSize, receiveBufferSize, sendBufferSize, reuseAddress, bytes,
                multicastLoopback, multicastTtl);
    }

    /**
     * Whether multicast this socket sends is also delivered to the host's own members
     * (IP_MULTICAST_LOOP, and IPV6_MULTICAST_LOOP on an IPv6 socket).
     *
     * @param loopback true to loop it back
     * @return options with this setting
     */
    public UdpOptions multicastLoopback(boolean loopback) {
        return new UdpOptions(maxDatagramSize, receiveBufferSize, sendBufferSize, reuseAddress, sendHighWatermark,
                loopback, multicastTtl);
    }

    /**
     * The time to live of IPv4 multicast this socket sends (IP_MULTICAST_TTL): 1 stays on the
     * local network.
     *
     * @param ttl 0-255
     * @return options with this TTL
     */
    public UdpOptions multicastTtl(int ttl) {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("multicastTtl must be 0-255: " + ttl);
        }
        return new UdpOptions(maxDatagramSize, receiveBufferSize, sendBufferSize, reuseAddress, sendHighWatermark,
                multicastLoopback, ttl);
    }

    /** {@return the largest datagram received whole} */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    /** {@return the SO_RCVBUF asked for, or 0 for the system's default} */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** {@return the SO_SNDBUF asked for, or 0 for the system's default} */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** {@return whether SO_REUSEADDR is set} */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** {@return the bound on queued output, in bytes} */
    public int sendHighWatermark() {
        return sendHighWatermark;
    }

    /** {@return whether multicast sent is looped back to this host} */
    public boolean multicastLoopback() {
        return multicastLoopback;
    }

    /** {@return the TTL of IPv4 multicast sent} */
    public int multicastTtl() {
        return multicastTtl;
    }
}
