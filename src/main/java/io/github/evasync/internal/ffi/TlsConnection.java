package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibEvent;
import io.github.evasync.internal.libevent.LibTls;
import io.github.evasync.internal.libevent.bufferevent;
import io.github.evasync.internal.libevent.event;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a TLS socket asks of the {@code SSL} inside its libevent OpenSSL bufferevent: why it
 * failed, its session, and the {@code close_notify} of a clean close. {@link BufferEvent} calls
 * these with its bufferevent; loop thread only.
 */
final class TlsConnection {
    private static final long X509_V_OK = LibTls.X509_V_OK();
    /** Below this, a code libevent recorded is {@code SSL_get_error}'s kind (SSL_ERROR_SSL...), not a packed error. */
    private static final long FIRST_PACKED = 0x100;
    private static final int READ = LibEvent.EV_READ();

    /**
     * {@code SSL_write} as a critical call, which may read a Java heap array in place: OpenSSL
     * encrypts from it into its own record buffer and never calls back into Java there. In a holder
     * class that {@link Linking#linkTls} initialises when TLS loads (see {@link Linking} for why).
     */
    static final class Write {
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
                LibTls.SSL_write$address(), LibTls.SSL_write$descriptor(), Linker.Option.critical(true));

        private Write() {
        }
    }

    private TlsConnection() {
    }

    /**
     * Turns OpenSSL's read-ahead on for a new TLS bufferevent, so that a record costs one
     * {@code read} instead of two (its 5-byte header, then its body). {@return the bufferevent's
     * read event, which the caller must wake whenever {@link #readPending} says OpenSSL holds
     * bytes the socket no longer shows; or null, read-ahead left off, when that event is not the
     * OpenSSL bufferevent's own (a layout this code does not know)}
     *
     * <p>Why the wake: libevent 2.1 reads a TLS socket when the descriptor is readable, decrypts
     * one record, and stops at {@code SSL_pending} (decrypted bytes only). With read-ahead, the
     * next records may already sit in OpenSSL's buffer, the descriptor then shows nothing, and
     * without a wake they would wait there for the peer's next bytes.
     */
    static MemorySegment enableReadAhead(MemorySegment bev, MemorySegment ssl) {
        MemorySegment readEvent = bev.reinterpret(bufferevent.sizeof()).asSlice(bufferevent.ev_read$offset(), event.sizeof());
        if (!LibEvent.event_get_callback_arg(readEvent).equals(bev)) {
            return null;
        }
        LibTls.SSL_ctrl(ssl, LibTls.SSL_CTRL_SET_READ_AHEAD(), 1, MemorySegment.NULL);
        return readEvent;
    }

    /**
     * Wakes {@code readEvent} (see {@link #enableReadAhead}) when OpenSSL holds bytes not yet
     * read and {@code bev} reads: libevent then reads them as it would from the socket, errors
     * and the peer's close_notify included. Asks OpenSSL first: it nearly always holds nothing,
     * and then one downcall is all a read pays.
     */
    static void readPending(MemorySegment readEvent, MemorySegment ssl, MemorySegment bev) {
        if (LibTls.SSL_has_pending(ssl) == 1 && (LibEvent.bufferevent_get_enabled(bev) & READ) != 0) {
            LibEvent.event_active(readEvent, READ, (short) 0);
        }
    }

    /**
     * Writes {@code len} bytes of {@code data} (heap or native) through {@code ssl} straight to its
     * socket, as libevent's own write would. {@return whether OpenSSL took them all}; when not
     * (the socket is full, or the connection failed), the caller queues all of them in the output
     * buffer: OpenSSL wants a write it could not finish repeated with the same bytes, which
     * libevent's next write does, and a failure shows again there and is reported as libevent
     * reports it. Nothing of this call is left on the thread's error queue.
     */
    static boolean writeDirect(MemorySegment ssl, MemorySegment data, int len) {
        int r;
        try {
            r = (int) Write.HANDLE.invokeExact(ssl, data, len);
        } catch (Throwable t) {
            throw new IllegalStateException("SSL_write failed to run", t);
        }
        if (r == len) {
            return true;
        }
        OpenSslErrors.clear();
        return false;
    }

    /**
     * Why a TLS socket failed, from the errors libevent moved off the thread's queue into this
     * bufferevent's own list (so another connection's never show here), and, when this side
     * verifies its peer, the X.509 verify result. {@return null when OpenSSL recorded nothing}:
     * the failure was the socket's own (errno).
     */
    static BufferEvent.TlsFailure failure(MemorySegment bev, boolean verifying) {
        List<Long> codes = new ArrayList<>();
        long c;
        while ((c = LibTls.bufferevent_get_openssl_error(bev)) != 0) {
            codes.add(c);
        }
        Collections.reverse(codes); // libevent hands back the newest first
        OpenSslErrors.clear();
        List<String> texts = new ArrayList<>();
        long first = 0;
        for (long code : codes) {
            if (code >= FIRST_PACKED) {
                if (first == 0) {
                    first = code;
                }
                texts.add(OpenSslErrors.text(code));
            }
        }
        MemorySegment ssl = LibTls.bufferevent_openssl_get_ssl(bev);
        long verify = verifying && !ssl.equals(MemorySegment.NULL) ? LibTls.SSL_get_verify_result(ssl) : X509_V_OK;
        if (verify != X509_V_OK) {
            String reason = LibTls.X509_verify_cert_error_string(verify).reinterpret(Long.MAX_VALUE).getString(0);
            String text = texts.isEmpty() ? "certificate verify failed" : String.join("; ", texts);
            return new BufferEvent.TlsFailure((int) verify, text + " (" + reason + ")");
        }
        return first == 0 ? null : new BufferEvent.TlsFailure((int) first, String.join("; ", texts));
    }

    /**
     * Sends {@code close_notify} straight to the socket, once the handshake is done and nothing
     * failed: a peer then sees a clean end of the TLS stream rather than a truncation. libevent
     * frees the {@code SSL} without it. Best effort: a full socket just ends without it.
     */
    static void closeNotify(MemorySegment bev) {
        MemorySegment ssl = LibTls.bufferevent_openssl_get_ssl(bev);
        if (!ssl.equals(MemorySegment.NULL) && LibTls.SSL_is_init_finished(ssl) == 1) {
            LibTls.SSL_shutdown(ssl);
        }
        OpenSslErrors.clear();
    }

    /** The negotiated session; the certificates as DER, the peer's own first. */
    static BufferEvent.TlsState session(MemorySegment bev, boolean server) {
        MemorySegment ssl = LibTls.bufferevent_openssl_get_ssl(bev);
        String protocol = string(LibTls.SSL_get_version(ssl));
        MemorySegment cipher = LibTls.SSL_get_current_cipher(ssl);
        String suite = cipher.equals(MemorySegment.NULL) ? null : string(LibTls.SSL_CIPHER_get_name(cipher));
        List<byte[]> certificates = new ArrayList<>();
        String alpn;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(ValueLayout.ADDRESS);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            LibTls.SSL_get0_alpn_selected(ssl, data, len);
            int n = len.get(ValueLayout.JAVA_INT, 0);
            MemorySegment p = data.get(ValueLayout.ADDRESS, 0);
            alpn = n == 0 || p.equals(MemorySegment.NULL) ? null
                    : new String(p.reinterpret(n).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.US_ASCII);
            if (server) {
                // A server's chain leaves out the client's own certificate.
                MemorySegment leaf = LibTls.SSL_get1_peer_certificate(ssl);
                if (!leaf.equals(MemorySegment.NULL)) {
                    try {
                        certificates.add(der(a, leaf));
                    } finally {
                        LibTls.X509_free(leaf);
                    }
                }
            }
            MemorySegment chain = LibTls.SSL_get_peer_cert_chain(ssl);
            if (!chain.equals(MemorySegment.NULL)) {
                int count = LibTls.OPENSSL_sk_num(chain);
                for (int i = 0; i < count; i++) {
                    certificates.add(der(a, LibTls.OPENSSL_sk_value(chain, i)));
                }
            }
        }
        OpenSslErrors.clear();
        return new BufferEvent.TlsState(protocol, suite, alpn, certificates);
    }

    private static byte[] der(Arena a, MemorySegment x509) {
        int n = LibTls.i2d_X509(x509, MemorySegment.NULL);
        if (n <= 0) {
            throw new IllegalStateException("i2d_X509 failed: " + OpenSslErrors.drain());
        }
        MemorySegment buf = a.allocate(n);
        MemorySegment cursor = a.allocate(ValueLayout.ADDRESS);
        cursor.set(ValueLayout.ADDRESS, 0, buf); // i2d_X509 writes at *cursor and moves it on
        LibTls.i2d_X509(x509, cursor);
        return buf.toArray(ValueLayout.JAVA_BYTE);
    }

    private static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
