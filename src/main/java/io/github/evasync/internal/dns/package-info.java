/**
 * DNS lookups on libevent's evdns, not API: {@code DnsQuery} owns one
 * {@code evdns_getaddrinfo} request and turns its answer into addresses or a {@code DnsError}.
 *
 * <p>Loop thread only. The module does not export this package; nothing here is promised to stay.
 */
package io.github.evasync.internal.dns;
