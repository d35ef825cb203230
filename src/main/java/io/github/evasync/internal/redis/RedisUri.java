package io.github.evasync.internal.redis;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A parsed Redis URI: {@code redis://[[user]:password@]host[:port][/db]} (port 6379 by default),
 * {@code rediss://} the same over TLS, {@code unix://[[user]:password@]/path/to/socket[?db=N]}
 * for a local socket. User and password may be percent-encoded; a host name may hold {@code _},
 * which {@code java.net.URI} does not take for a host.
 *
 * @param scheme {@code redis}, {@code rediss} or {@code unix}
 * @param host the host name or address (null for unix)
 * @param port the port (0 for unix)
 * @param path the socket's path (unix only)
 * @param user the ACL user, or null for the default user
 * @param password the password, or null for none
 * @param db the database to SELECT (0 means none)
 */
record RedisUri(String scheme, String host, int port, Path path, String user, String password, int db) {
    static final int DEFAULT_PORT = 6379;

    boolean tls() {
        return scheme.equals("rediss");
    }

    boolean local() {
        return scheme.equals("unix");
    }

    /** Where it connects, without the password: for messages. */
    String where() {
        return local() ? "unix://" + path : scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return where() + (db != 0 ? "/" + db : "");
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static RedisUri parse(String text) {
        if (text == null) {
            throw new NullPointerException("uri");
        }
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            // Not e.getMessage(): it quotes the whole input, password included.
            throw new IllegalArgumentException("not a Redis URI: " + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "") + " in " + redact(text));
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        switch (scheme) {
            case "redis", "rediss" -> {
                return network(text, scheme, u);
            }
            case "unix" -> {
                String p = u.getPath();
                // unix:///path, or unix://[user]:password@/path: credentials, and nothing else,
                // before the path (they were dropped without a word, and every command met NOAUTH).
                String authority = u.getRawAuthority();
                String info = null;
                if (authority != null) {
                    int at = authority.lastIndexOf('@');
                    if (at != authority.length() - 1) {
                        throw new IllegalArgumentException("a unix URI is unix:///absolute/path or "
                                + "unix://[user]:password@/absolute/path: " + redact(text));
                    }
                    info = authority.substring(0, at);
                }
                if (p == null || p.isEmpty() || !p.startsWith("/")) {
                    throw new IllegalArgumentException("a unix URI is unix:///absolute/path: " + redact(text));
                }
                String[] cred = credentials(info);
                return new RedisUri(scheme, null, 0, Path.of(p), cred[0], cred[1], dbQuery(text, u.getRawQuery()));
            }
            default -> throw new IllegalArgumentException("a Redis URI starts redis://, rediss:// or unix://: " + redact(text));
        }
    }

    private static RedisUri network(String text, String scheme, URI u) {
        String host = u.getHost();
        int port = u.getPort();
        String info = u.getRawUserInfo();
        if (host == null && u.getRawAuthority() != null) {
            // java.net.URI takes a name with '_' (redis_cache, as Docker Compose names services)
            // for no host at all: read such an authority by hand, [info@]name[:port].
            String authority = u.getRawAuthority();
            int at = authority.lastIndexOf('@');
            info = at < 0 ? null : authority.substring(0, at);
            String hostPort = authority.substring(at + 1);
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            if (!host.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("no host in " + redact(text));
            }
            port = -1;
            if (colon >= 0) {
                String digits = hostPort.substring(colon + 1);
                if (!digits.matches("[0-9]{1,5}")) {
                    throw new IllegalArgumentException("port must be 1-65535: " + digits);
                }
                port = Integer.parseInt(digits);
            }
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host in " + redact(text));
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        port = port == -1 ? DEFAULT_PORT : port;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        String[] cred = credentials(info);
        String user = cred[0];
        String password = cred[1];
        int db = 0;
        String path = u.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            db = dbNumber(text, path.substring(1));
        }
        if (u.getRawQuery() != null) {
            throw new IllegalArgumentException("query parameters are not read in " + redact(text));
        }
        return new RedisUri(scheme, host, port, null, user, password, db);
    }

    /** {@return the user (or null) and password (or null) of a URI's raw user info (or null)} */
    private static String[] credentials(String info) {
        if (info == null || info.isEmpty()) {
            return new String[2];
        }
        int colon = info.indexOf(':');
        if (colon < 0) {
            // redis://secret@host: the common shorthand for a password alone.
            return new String[] {null, decode(info)};
        }
        return new String[] {colon == 0 ? null : decode(info.substring(0, colon)), decode(info.substring(colon + 1))};
    }

    private static int dbQuery(String text, String query) {
        if (query == null) {
            return 0;
        }
        if (!query.startsWith("db=") || query.contains("&")) {
            throw new IllegalArgumentException("the only query a unix URI takes is ?db=N: " + redact(text));
        }
        return dbNumber(text, query.substring(3));
    }

    private static int dbNumber(String text, String s) {
        try {
            int db = Integer.parseInt(s);
            if (db >= 0 && !s.startsWith("+")) {
                return db;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("the database must be a number >= 0, not '" + s + "', in " + redact(text));
    }

    /** Percent-decoding as in RFC 3986 ('+' stays '+'). */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int v = Integer.parseInt(s.substring(i + 1, i + 3), 16);
                out.write(v);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The URI without its user information, for messages. */
    static String redact(String text) {
        // The last '@': a password may hold one (unescaped, in a URI that fails to parse).
        int at = text.lastIndexOf('@');
        int slashes = text.indexOf("://");
        return at > 0 && slashes > 0 && at > slashes ? text.substring(0, slashes + 3) + "***@" + text.substring(at + 1) : text;
    }
}
