package io.github.evasync.dns;

import java.net.Inet4Address;
import java.net.InetAddress;

/** An address family to look up (cl-async's {@code :family}). */
public enum Family {
    /** IPv4 addresses (A records). */
    INET,
    /** IPv6 addresses (AAAA records). */
    INET6,
    /** Either: whatever the name has. */
    UNSPEC;

    /**
     * The family of an address: {@link #INET} or {@link #INET6}.
     *
     * @param address an address
     * @return its family
     */
    public static Family of(InetAddress address) {
        return address instanceof Inet4Address ? INET : INET6;
    }
}
