package io.github.evasync.dns;

import java.net.InetAddress;

/** Receives the answer of {@code loop.dnsLookup} (cl-async's {@code resolve-cb}). */
@FunctionalInterface
public interface DnsCallback {
    /**
     * Handles the first address found.
     *
     * @param address the address
     * @param family its family, {@link Family#INET} or {@link Family#INET6}
     */
    void resolved(InetAddress address, Family family);
}
