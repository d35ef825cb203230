package io.github.evasync.internal.http;

import io.github.evasync.internal.dns.DnsQuery;

import java.net.URI;

/**
 * Where a client request goes: a parsed and checked {@code http://} URI. The host is bare (an
 * IPv6 literal without its brackets, as DNS and connect want it); {@code hostHeader} is what the
 * request's Host field says, with the port only when the URI named one.
 */
record ClientTarget(String host, int port, String pathAndQuery, String hostHeader) {

    /** The pool's key: connections are kept per host and port. */
    String key() {
        return host + ":" + port;
    }

    /**
     * Parses and checks {@code uri}, naming what is wrong with it.
     *
     * @throws IllegalArgumentException if it is not an {@code http://} URI with a usable host and port
     */
    static ClientTarget parse(String uri) {
        if (uri == null) {
            throw new IllegalArgumentException("uri must not be null");
        }
        URI u;
        try {
            u = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("uri is malformed: " + e.getMessage(), e);
        }
        if (!"http".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("uri must be http:// (https is not supported): " + uri);
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("uri has no host: " + uri);
        }
        if (u.getPort() == 0 || u.getPort() > 65535) {
            throw new IllegalArgumentException("uri port must be 1-65535: " + uri);
        }
        int port = u.getPort() < 0 ? 80 : u.getPort();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String pq = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            DnsQuery.checkHost(bare);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uri " + e.getMessage(), e);
        }
        return new ClientTarget(bare, port, pq, u.getPort() < 0 ? host : host + ":" + port);
    }

    /**
     * Where a redirect's {@code Location} (relative or absolute) leads from here.
     *
     * @throws IllegalArgumentException if that is no place a request can go (https, no host, ...)
     */
    ClientTarget resolve(String location) {
        return parse(URI.create("http://" + hostHeader + pathAndQuery).resolve(location.strip()).toString());
    }

    /** Whether {@code other} names the same server (host and port): credentials go only there. */
    boolean sameServer(ClientTarget other) {
        return other.host.equalsIgnoreCase(host) && other.port == port;
    }
}
