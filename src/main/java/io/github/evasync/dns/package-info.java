/**
 * DNS: the address {@link io.github.evasync.dns.Family} to look up and the
 * {@link io.github.evasync.dns.DnsCallback} of the loop's {@code dnsLookup}; lookups go through
 * libevent's asynchronous resolver, and a failure arrives as one {@link io.github.evasync.DnsError}.
 *
 * <h2>Threads</h2>
 * Lookup callbacks run on the loop thread. {@code loop.resolve(...)} is safe from any thread; its
 * future is completed on the loop thread, so stages added to it without an executor run there
 * and must not block.
 */
package io.github.evasync.dns;
