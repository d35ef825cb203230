package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibTls;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenSSL {@code SSL_CTX}, made from one set of TLS settings and shared by every connection
 * that uses them, on any loop: OpenSSL allows a context to be used from several threads at once
 * once it is set up, and nothing here changes it after {@link #create}.
 *
 * <p>Reference-counted: the options that made it hold one reference (released when they become
 * unreachable), and each connection one while its {@code SSL} lives ({@link #retain},
 * {@link #release}); the last release frees the context and the memory its ALPN list lives in,
 * exactly once. OpenSSL counts its own references too ({@code SSL_new} takes one), so a context
 * is never freed under a live {@code SSL} either way. {@link #live()} counts the contexts not yet
 * freed, for the leak tests.
 */
public final class TlsContext {
    private static final AtomicInteger LIVE = new AtomicInteger();

    /**
     * What a context is made from.
     *
     * @param server a server's context (accepts), else a client's (connects)
     * @param certificateChain the PEM certificate chain to present, or null
     * @param privateKey its PEM private key, or null
     * @param keyPassword the key's password, or null
     * @param trust the PEM CA certificates to verify the peer with, or null for the system's (OpenSSL's default paths)
     * @param verifyPeer whether to verify the peer's certificate (a server: require one)
     * @param alpn the protocols to offer (a client) or accept (a server), in order of preference; empty for none
     * @param tls13Only whether TLS 1.3 is the oldest version allowed, else TLS 1.2
     */
    public record Settings(boolean server, Path certificateChain, Path privateKey, String keyPassword, Path trust,
                           boolean verifyPeer, List<String> alpn, boolean tls13Only) {
        /** Copies the ALPN list. */
        public Settings {
            alpn = List.copyOf(alpn);
        }
    }

    private final MemorySegment ctx;
    private final Settings settings;
    /** Holds the server's ALPN list while the context lives; null without one. */
    private final Arena arena;
    private final AtomicInteger refs = new AtomicInteger(1);

    private TlsContext(MemorySegment ctx, Settings settings, Arena arena) {
        this.ctx = ctx;
        this.settings = settings;
        this.arena = arena;
    }

    /** {@return the contexts made and not yet freed, in this process} */
    public static int live() {
        return LIVE.get();
    }

    /**
     * Contexts of settings that name no file (a client on the system's CAs, or one that trusts
     * all), shared by every options object with equal settings and kept for the process's life,
     * as the JDK keeps its default SSL context. Without them, {@code TlsOptions.client()} made per
     * connection (the natural way to write it) loaded the system's CA bundle each time, on the
     * loop thread (tens of milliseconds), and held its megabyte of native memory until a garbage
     * collection that a small heap may not run for a long while. Settings that name files are
     * not shared: new options for a renewed certificate must load the new files.
     */
    private static final java.util.Map<Settings, TlsContext> SHARED = new java.util.HashMap<>();
    /** At most this many shared contexts (distinct ALPN lists, say); past it, each options object makes its own. */
    private static final int MAX_SHARED = 16;

    /**
     * A context for {@code s}, with one reference held by the caller: the shared one for
     * file-less settings (see {@link #SHARED}), else a new one ({@link #create}).
     */
    public static TlsContext obtain(Settings s) {
        if (s.certificateChain() != null || s.privateKey() != null || s.trust() != null) {
            return create(s);
        }
        synchronized (SHARED) {
            TlsContext c = SHARED.get(s);
            if (c == null) {
                if (SHARED.size() >= MAX_SHARED) {
                    return create(s);
                }
                c = create(s); // its first reference is the table's, never released
                SHARED.put(s, c);
            }
            c.retain(); // cannot fail: the table's reference keeps it alive
            return c;
        }
    }

    /**
     * Makes a context, with one reference, held by the caller. Loads the TLS libraries first.
     *
     * @throws IllegalArgumentException when a file cannot be used, naming the setting and OpenSSL's reason
     * @throws UnsatisfiedLinkError when the TLS libraries cannot be loaded
     */
    public static TlsContext create(Settings s) {
        TlsNative.ensureLoaded();
        OpenSslErrors.clear();
        MemorySegment ctx = LibTls.SSL_CTX_new(s.server() ? LibTls.TLS_server_method() : LibTls.TLS_client_method());
        if (ctx.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("SSL_CTX_new failed: " + OpenSslErrors.drain());
        }
        Arena arena = s.server() && !s.alpn().isEmpty() ? Arena.ofShared() : null;
        try (Arena temp = Arena.ofConfined()) {
            configure(ctx, s, temp, arena);
        } catch (Throwable t) {
            LibTls.SSL_CTX_free(ctx);
            if (arena != null) {
                arena.close();
            }
            throw t;
        } finally {
            // Loading the default verify paths may leave errors behind even when it succeeds.
            OpenSslErrors.clear();
        }
        LIVE.incrementAndGet();
        return new TlsContext(ctx, s, arena);
    }

    private static void configure(MemorySegment ctx, Settings s, Arena temp, Arena arena) {
        int version = s.tls13Only() ? LibTls.TLS1_3_VERSION() : LibTls.TLS1_2_VERSION();
        // SSL_CTX_set_min_proto_version is a macro over SSL_CTX_ctrl.
        if (LibTls.SSL_CTX_ctrl(ctx, LibTls.SSL_CTRL_SET_MIN_PROTO_VERSION(), version, MemorySegment.NULL) != 1) {
            throw new IllegalStateException("cannot set the minimum TLS version: " + OpenSslErrors.drain());
        }
        // No renegotiation, whichever side asks and whatever the system's openssl.cnf allows: a
        // renegotiating SSL re-enters its handshake inside SSL_read and SSL_write, and SSL_write
        // is a critical call here, in which an upcall (ALPN's) must never run. TLS 1.3 has none.
        LibTls.SSL_CTX_set_options(ctx, LibTls.SSL_OP_NO_RENEGOTIATION());
        if (s.certificateChain() != null) {
            loadCertificate(ctx, s, temp);
        }
        if (s.verifyPeer()) {
            if (s.trust() != null) {
                if (LibTls.SSL_CTX_load_verify_locations(ctx, path(temp, s.trust()), MemorySegment.NULL) != 1) {
                    throw new IllegalArgumentException("caPem: cannot load CA certificates from " + s.trust() + ": "
                            + OpenSslErrors.drain());
                }
            } else if (LibTls.SSL_CTX_set_default_verify_paths(ctx) != 1) {
                throw new IllegalStateException("cannot load the system's CA certificates: " + OpenSslErrors.drain());
            }
            int mode = LibTls.SSL_VERIFY_PEER() | (s.server() ? LibTls.SSL_VERIFY_FAIL_IF_NO_PEER_CERT() : 0);
            LibTls.SSL_CTX_set_verify(ctx, mode, MemorySegment.NULL);
            if (s.server() && s.trust() != null) {
                // Tells clients which CAs' certificates the server accepts; the context owns the list.
                MemorySegment names = LibTls.SSL_load_client_CA_file(path(temp, s.trust()));
                if (!names.equals(MemorySegment.NULL)) {
                    LibTls.SSL_CTX_set_client_CA_list(ctx, names);
                }
            }
        } else {
            LibTls.SSL_CTX_set_verify(ctx, LibTls.SSL_VERIFY_NONE(), MemorySegment.NULL);
        }
        if (!s.alpn().isEmpty()) {
            byte[] wire = wire(s.alpn());
            if (s.server()) {
                LibTls.SSL_CTX_set_alpn_select_cb(ctx, AlpnSelect.STUB, AlpnSelect.serverList(arena, wire));
            } else if (LibTls.SSL_CTX_set_alpn_protos(ctx, temp.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, wire),
                    wire.length) != 0) { // 0 is success here, unlike the rest of OpenSSL
                throw new IllegalStateException("cannot set the ALPN protocols: " + OpenSslErrors.drain());
            }
        }
    }

    private static void loadCertificate(MemorySegment ctx, Settings s, Arena temp) {
        // With no password callback set, OpenSSL's default one reads the password from here; with
        // nothing here it would prompt on the terminal or read the process's standard input, on
        // the thread opening the server (a loop blocked while stdin stays open). With no password
        // given, an empty one makes an encrypted key fail at once.
        String password = s.keyPassword() == null ? "" : s.keyPassword();
        LibTls.SSL_CTX_set_default_passwd_cb_userdata(ctx, temp.allocateFrom(password));
        try {
            // The arguments' names as the caller wrote them: a server's or a client certificate's.
            String certName = s.server() ? "certificateChainPem" : "certPem";
            String keyName = s.server() ? "privateKeyPem" : "keyPem";
            if (LibTls.SSL_CTX_use_certificate_chain_file(ctx, path(temp, s.certificateChain())) != 1) {
                throw new IllegalArgumentException(certName + ": cannot load " + s.certificateChain() + ": "
                        + OpenSslErrors.drain());
            }
            if (LibTls.SSL_CTX_use_PrivateKey_file(ctx, path(temp, s.privateKey()), LibTls.SSL_FILETYPE_PEM()) != 1) {
                String why = OpenSslErrors.drain();
                // OpenSSL checks the key against the certificate as it loads it: say that, not "encrypted?".
                throw new IllegalArgumentException(keyName + ": " + (why != null && why.contains("key values mismatch")
                        ? s.privateKey() + " is not the key of the certificate in " + s.certificateChain()
                        : "cannot load " + s.privateKey()
                                + (s.keyPassword() == null ? " (encrypted? set keyPassword)" : " (wrong keyPassword?)"))
                        + ": " + why);
            }
            if (LibTls.SSL_CTX_check_private_key(ctx) != 1) {
                throw new IllegalArgumentException(keyName + ": " + s.privateKey()
                        + " is not the key of the certificate in " + s.certificateChain() + ": " + OpenSslErrors.drain());
            }
        } finally {
            // The password's memory goes with the temporary arena: OpenSSL must not keep a pointer to it.
            LibTls.SSL_CTX_set_default_passwd_cb_userdata(ctx, MemorySegment.NULL);
        }
    }

    private static MemorySegment path(Arena temp, Path p) {
        return temp.allocateFrom(p.toAbsolutePath().toString());
    }

    /** ALPN's wire format: each protocol's length in one byte, then its bytes. */
    private static byte[] wire(List<String> protocols) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : protocols) {
            byte[] b = p.getBytes(StandardCharsets.US_ASCII);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** {@return whether this is a server's context} */
    public boolean isServer() {
        return settings.server();
    }

    /** {@return whether connections verify their peer's certificate} */
    boolean verifiesPeer() {
        return settings.verifyPeer();
    }

    /** Takes a reference for a connection; {@return false when the context is freed already} */
    boolean retain() {
        int n;
        do {
            n = refs.get();
            if (n <= 0) {
                return false;
            }
        } while (!refs.compareAndSet(n, n + 1));
        return true;
    }

    /** Drops a reference; the last frees the context. Any thread. */
    public void release() {
        int n = refs.decrementAndGet();
        if (n == 0) {
            LibTls.SSL_CTX_free(ctx);
            if (arena != null) {
                arena.close();
            }
            LIVE.decrementAndGet();
        } else if (n < 0) {
            throw new IllegalStateException("TLS context released more often than retained");
        }
    }

    /**
     * A new {@code SSL} of this context for one connection: a client's checks the certificate
     * against {@code host} (a name, or an address literal) and sends it as SNI when it is a name.
     * The caller owns it (and hands it to libevent, which frees it with its bufferevent).
     *
     * @param host the name the peer's certificate must carry, or null (servers)
     */
    MemorySegment newSsl(String host) {
        MemorySegment ssl = LibTls.SSL_new(ctx);
        if (ssl.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("SSL_new failed: " + OpenSslErrors.drain());
        }
        if (settings.server() || host == null) {
            return ssl;
        }
        java.net.InetAddress address = SockAddr.literal(host);
        boolean literal = address != null;
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment name = temp.allocateFrom(host);
            if (settings.verifyPeer()) {
                MemorySegment param = LibTls.SSL_get0_param(ssl);
                // An address in the form OpenSSL parses: "[::1]" without its brackets, "127.1" in
                // full, a scope ("%lo") dropped (a certificate names no interface).
                String ip = literal ? address.getHostAddress().replaceFirst("%.*$", "") : null;
                int ok = literal ? LibTls.X509_VERIFY_PARAM_set1_ip_asc(param, temp.allocateFrom(ip))
                        : LibTls.X509_VERIFY_PARAM_set1_host(param, name, 0);
                if (ok != 1) {
                    String why = OpenSslErrors.drain();
                    throw new IllegalArgumentException("host: cannot verify a certificate for '" + host + "': "
                            + (why != null ? why : "OpenSSL takes it for no host name or address"));
                }
            }
            // SNI carries names only (RFC 6066). SSL_set_tlsext_host_name is a macro over SSL_ctrl.
            if (!literal && LibTls.SSL_ctrl(ssl, LibTls.SSL_CTRL_SET_TLSEXT_HOSTNAME(),
                    LibTls.TLSEXT_NAMETYPE_host_name(), name) != 1) {
                throw new IllegalArgumentException("serverName: not a name SNI can carry: '" + host + "': "
                        + OpenSslErrors.drain());
            }
        } catch (Throwable t) {
            LibTls.SSL_free(ssl);
            OpenSslErrors.clear();
            throw t;
        }
        return ssl;
    }
}
