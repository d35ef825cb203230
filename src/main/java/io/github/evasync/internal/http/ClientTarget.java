package io.github.evasync.internal.http;

import io.github.evasync.internal.dns.DnsQuery;
import io.github.evasync.tls.TlsOptions;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a client request goes: a parsed and checked {@code http://} or {@code https://} URI. The
 * host is bare (an IPv6 literal without its brackets, as DNS and connect want it);
 * {@code hostHeader} is what the request's Host field says, with the port only when the URI
 * named one.
 */
record ClientTarget(boolean https, String host, int port, String pathAndQuery, String hostHeader) {

    /**
     * The pool's key: connections are kept per scheme, host and port, and an {@code https://}
     * one also per TLS settings instance (a connection verified under some settings never
     * carries a request made with others), and per Unix socket file when they go to one.
     */
    Key key(TlsOptions tls, Path unixSocket) {
        return new Key(https, host.toLowerCase(Locale.ROOT), port, https ? tls : null, unixSocket);
    }

    /**
     * A key of {@link ClientPool}: {@code tls} compares by identity, as {@code TlsOptions} does;
     * {@code unixSocket} is the socket file the connections go to, or null for the host's port.
     */
    record Key(boolean https, String host, int port, TlsOptions tls, Path unixSocket) {
    }

    /**
     * Parses and checks {@code uri}, naming what is wrong with it.
     *
     * @throws IllegalArgumentException if it is not an {@code http://} or {@code https://} URI with a
     *                                  usable host and port
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
        boolean https = "https".equalsIgnoreCase(u.getScheme());
        if (!https && !"http".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("uri must be http:// or https://: " + uri);
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("uri has no host: " + uri);
        }
        if (u.getPort() == 0 || u.getPort() > 65535) {
            throw new IllegalArgumentException("uri port must be 1-65535: " + uri);
        }
        int port = u.getPort() >= 0 ? u.getPort() : https ? 443 : 80;
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String pq = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            DnsQuery.checkHost(bare);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uri " + e.getMessage(), e);
        }
        return new ClientTarget(https, bare, port, pq, u.getPort() < 0 ? host : host + ":" + port);
    }

    /**
     * Where a redirect's {@code Location} (relative or absolute) leads from here.
     *
     * An absolute one names its scheme (a redirect may go from {@code http://} to
     * {@code https://} and back); a relative one keeps this one's.
     *
     * @throws IllegalArgumentException if that is no place a request can go (ftp, no host, ...)
     */
    ClientTarget resolve(String location) {
        return parse(URI.create((https ? "https://" : "http://") + hostHeader + pathAndQuery)
                .resolve(location.strip()).toString());
    }

    /**
     * Whether {@code other} names the same server (scheme, host and port): credentials go only
     * there, and never from {@code https://} down to {@code http://}.
     */
    boolean sameServer(ClientTarget other) {
        return other.https == https && other.host.equalsIgnoreCase(host) && other.port == port;
    }
}
