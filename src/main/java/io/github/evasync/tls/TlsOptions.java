package io.github.evasync.tls;

import io.github.evasync.internal.ffi.TlsContext;
import io.github.evasync.internal.tls.ContextHolder;
import io.github.evasync.internal.tls.TlsAccess;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * TLS settings for a client ({@link #client()}, for {@code TcpOptions.tls}) or a server
 * ({@link #server(Path, Path)}, for {@code ServerOptions.tls}): immutable, built by chaining.
 * <pre>{@code
 * TlsOptions client = TlsOptions.client().trust(Path.of("ca.pem")).alpn("http/1.1");
 * TlsOptions server = TlsOptions.server(Path.of("chain.pem"), Path.of("key.pem")).alpn("h2", "http/1.1");
 * }</pre>
 *
 * <p>Each instance makes one OpenSSL context, when a socket first uses it, and shares it with
 * every socket that uses the same instance, on any loop; keep one instance rather than build
 * the same settings again per connection. The context is freed once the instance is unreachable
 * and its last socket has closed. Files are read when the context is made: a certificate or key
 * that OpenSSL cannot use makes that first {@code tcpConnect} or {@code tcpServer} throw an
 * {@link IllegalArgumentException} naming the setting and OpenSSL's reason.
 */
public final class TlsOptions {
    /** The default {@link #handshakeTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger("io.github.evasync.tls");
    private static final AtomicBoolean WARNED_INSECURE = new AtomicBoolean();

    static {
        TlsAccess.register(options -> options.holder.get(options, options::settings));
    }

    private final boolean server;
    private final Path certificateChain;
    private final Path privateKey;
    private final String keyPassword;
    private final Path trust;
    private final boolean insecure;
    private final String serverName;
    private final List<String> alpn;
    private final Duration handshakeTimeout;
    private final String minVersion;
    /** This instance's OpenSSL context, made on first use. */
    private final ContextHolder holder = new ContextHolder();

    private TlsOptions(boolean server, Path certificateChain, Path privateKey, String keyPassword, Path trust,
                       boolean insecure, String serverName, List<String> alpn, Duration handshakeTimeout,
                       String minVersion) {
        this.server = server;
        this.certificateChain = certificateChain;
        this.privateKey = privateKey;
        this.keyPassword = keyPassword;
        this.trust = trust;
        this.insecure = insecure;
        this.serverName = serverName;
        this.alpn = alpn;
        this.handshakeTimeout = handshakeTimeout;
        this.minVersion = minVersion;
    }

    /**
     * A client's settings: the server's certificate chain is verified against the system's CA
     * certificates (OpenSSL's default paths) and must name the host given to {@code tcpConnect}
     * (or the URI's), which also goes out as SNI.
     *
     * @return client settings
     */
    public static TlsOptions client() {
        return new TlsOptions(false, null, null, null, null, false, null, List.of(), DEFAULT_HANDSHAKE_TIMEOUT,
                "TLSv1.2");
    }

    /**
     * A server's settings: it presents the certificate chain (its own certificate first, then
     * intermediates) with the matching private key, both PEM files.
     *
     * @param certificateChainPem the PEM certificate chain
     * @param privateKeyPem the PEM private key
     * @return server settings
     * @throws IllegalArgumentException when a file is not readable
     */
    public static TlsOptions server(Path certificateChainPem, Path privateKeyPem) {
        return new TlsOptions(true, readable(certificateChainPem, "certificateChainPem"),
                readable(privateKeyPem, "privateKeyPem"), null, null, false, null, List.of(),
                DEFAULT_HANDSHAKE_TIMEOUT, "TLSv1.2");
    }

    /**
     * Client: verifies the server against the CA certificates in this PEM file instead of the
     * system's.
     *
     * @param caPem the PEM file of trusted CA certificates
     * @return options with this trust set
     * @throws IllegalStateException on server settings (see {@link #requireClientCertificate(Path)})
     */
    public TlsOptions trust(Path caPem) {
        clientOnly("trust");
        return new TlsOptions(server, certificateChain, privateKey, keyPassword, readable(caPem, "caPem"), false,
                serverName, alpn, handshakeTimeout, minVersion);
    }

    /**
     * Client: the name the server's certificate must carry and that goes out as SNI, instead of
     * the host given to {@code tcpConnect} (which may then be an address).
     *
     * @param serverName a DNS name
     * @return options with this name
     */
    public TlsOptions serverName(String serverName) {
        clientOnly("serverName");
        Objects.requireNonNull(serverName, "serverName");
        if (serverName.isEmpty() || serverName.length() > 253 || serverName.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new IllegalArgumentException("serverName must be a DNS name: '" + serverName + "'");
        }
        return new TlsOptions(server, certificateChain, privateKey, keyPassword, trust, insecure, serverName, alpn,
                handshakeTimeout, minVersion);
    }

    /**
     * The application protocols, through ALPN, in order of preference: a client offers them; a
     * server chooses the first of its own that the client offers, and refuses the handshake
     * when the client offers none of them (RFC 7301). The choice is {@link TlsSession#alpn()}.
     *
     * @param protocols protocol names such as {@code "h2"} and {@code "http/1.1"}, 1-255 ASCII characters each
     * @return options with these protocols
     */
    public TlsOptions alpn(String... protocols) {
        Objects.requireNonNull(protocols, "protocols");
        long wire = 0;
        for (String p : protocols) {
            Objects.requireNonNull(p, "protocols");
            if (p.isEmpty() || p.length() > 255 || !StandardCharsets.US_ASCII.newEncoder().canEncode(p)) {
                throw new IllegalArgumentException("protocols: each must be 1-255 ASCII characters: '" + p + "'");
            }
            wire += 1 + p.length();
        }
        if (wire > MAX_ALPN_WIRE_BYTES) {
            // The extension's list has a 16-bit length: longer, OpenSSL sends it cut and every
            // handshake fails with an "internal error".
            throw new IllegalArgumentException("protocols: the list takes " + wire + " bytes in the handshake, over the "
                    + MAX_ALPN_WIRE_BYTES + " it can carry");
        }
        return new TlsOptions(server, certificateChain, privateKey, keyPassword, trust, insecure, serverName,
                List.of(protocols), handshakeTimeout, minVersion);
    }

    /**
     * Client: the certificate and key to present when the server asks for one (mutual TLS).
     *
     * @param certPem the PEM certificate chain
     * @param keyPem the PEM private key
     * @return options with this certificate
     */
    public TlsOptions clientCertificate(Path certPem, Path keyPem) {
        clientOnly("clientCertificate");
        return new TlsOptions(server, readable(certPem, "certPem"), readable(keyPem, "keyPem"), keyPassword, trust,
                insecure, serverName, alpn, handshakeTimeout, minVersion);
    }

    /**
     * Client: accepts any certificate from any server, unverified. For tests only: anyone on the
     * path can read and change the traffic. Logs a warning, once per process.
     *
     * @return options that verify nothing
     */
    public TlsOptions insecureTrustAll() {
        clientOnly("insecureTrustAll");
        if (WARNED_INSECURE.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "TlsOptions.insecureTrustAll(): TLS peers are not verified; "
                    + "use it in tests only");
        }
        return new TlsOptions(server, certificateChain, privateKey, keyPassword, null, true, serverName, alpn,
                handshakeTimeout, minVersion);
    }

    /**
     * The password of an encrypted private key (the server's, or the client certificate's).
     *
     * @param password the password
     * @return options with this password
     */
    public TlsOptions keyPassword(String password) {
        Objects.requireNonNull(password, "password");
        if (password.indexOf('\0') >= 0) {
            // OpenSSL takes a C string: the password would end at the NUL, and a shorter one open the key.
            throw new IllegalArgumentException("password must not contain NUL characters");
        }
        return new TlsOptions(server, certificateChain, privateKey, password, trust, insecure, serverName, alpn,
                handshakeTimeout, minVersion);
    }

    /**
     * Server: mutual TLS; every client must present a certificate that verifies against the CA
     * certificates in this PEM file, or its handshake fails.
     *
     * @param caPem the PEM file of CA certificates client certificates must chain to
     * @return options that require client certificates
     * @throws IllegalStateException on client settings
     */
    public TlsOptions requireClientCertificate(Path caPem) {
        if (!server) {
            throw new IllegalStateException("requireClientCertificate is a server setting; use TlsOptions.server(...)");
        }
        return new TlsOptions(server, certificateChain, privateKey, keyPassword, readable(caPem, "caPem"), false,
                serverName, alpn, handshakeTimeout, minVersion);
    }

    /**
     * How long a handshake may take, from the connect call or the accept, before the socket
     * gets a {@code TcpTimeout} and closes; default 10 s ({@link #DEFAULT_HANDSHAKE_TIMEOUT}).
     *
     * @param timeout a positive duration
     * @return options with this timeout
     */
    public TlsOptions handshakeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new TlsOptions(server, certificateChain, privateKey, keyPassword, trust, insecure, serverName, alpn,
                timeout, minVersion);
    }

    /**
     * The oldest protocol version allowed: {@code "TLSv1.2"} (the default) or {@code "TLSv1.3"}.
     *
     * @param version {@code "TLSv1.2"} or {@code "TLSv1.3"}
     * @return options with this version
     */
    public TlsOptions minVersion(String version) {
        Objects.requireNonNull(version, "version");
        if (!version.equals("TLSv1.2") && !version.equals("TLSv1.3")) {
            throw new IllegalArgumentException("version must be \"TLSv1.2\" or \"TLSv1.3\": " + version);
        }
        return new TlsOptions(server, certificateChain, privateKey, keyPassword, trust, insecure, serverName, alpn,
                handshakeTimeout, version);
    }

    /** {@return whether these are a server's settings} */
    public boolean isServer() {
        return server;
    }

    /** {@return the client's {@link #serverName(String)}, or null to use the host connected to} */
    public String serverName() {
        return serverName;
    }

    /** {@return the ALPN protocols, in order of preference; empty for none} */
    public List<String> alpn() {
        return alpn;
    }

    /** {@return the handshake timeout} */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** {@return the oldest protocol version allowed, {@code "TLSv1.2"} or {@code "TLSv1.3"}} */
    public String minVersion() {
        return minVersion;
    }

    private TlsContext.Settings settings() {
        return new TlsContext.Settings(server, certificateChain, privateKey, keyPassword, trust,
                server ? trust != null : !insecure, alpn, minVersion.equals("TLSv1.3"));
    }

    private void clientOnly(String setting) {
        if (server) {
            throw new IllegalStateException(setting + " is a client setting; use TlsOptions.client()");
        }
    }

    private static Path readable(Path p, String name) {
        Objects.requireNonNull(p, name);
        // A regular file only: OpenSSL reads it on a loop's thread, where a FIFO would block the
        // loop until a writer came, and /dev/zero would never end.
        if (!Files.isReadable(p) || !Files.isRegularFile(p)) {
            throw new IllegalArgumentException(name + " is not a readable regular file: " + p);
        }
        return p;
    }

    /** The most an ALPN protocol list may take in a handshake (RFC 7301: a 16-bit length). */
    private static final int MAX_ALPN_WIRE_BYTES = 65_535;

    @Override
    public String toString() {
        return "TlsOptions[" + (server ? "server " + certificateChain : "client")
                + (trust != null ? ", trust " + trust : "") + (insecure ? ", insecure" : "")
                + (serverName != null ? ", serverName " + serverName : "") + (alpn.isEmpty() ? "" : ", alpn " + alpn)
                + ", " + minVersion + "+, handshake " + handshakeTimeout + "]";
    }
}
