package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibTls;
import io.github.evasync.internal.libevent.SSL_CTX_alpn_select_cb_func;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;

/**
 * A TLS server's ALPN choice: OpenSSL calls this during a handshake with the client's list, and
 * it picks the first of the server's protocols the client offers ({@code SSL_select_next_proto}).
 * The {@code arg} OpenSSL hands back is the server's list itself (a 4-byte length, then the
 * protocols in wire format), which lives as long as its {@link TlsContext}: the upcall needs no
 * handle table and touches no Java object. One stub, made when a server first uses ALPN.
 */
final class AlpnSelect {
    /** The {@code SSL_CTX_alpn_select_cb_func} stub. */
    static final MemorySegment STUB = stub();

    private static final int OK = LibTls.SSL_TLSEXT_ERR_OK();
    private static final int FATAL = LibTls.SSL_TLSEXT_ERR_ALERT_FATAL();
    private static final int NEGOTIATED = LibTls.OPENSSL_NPN_NEGOTIATED();

    private AlpnSelect() {
    }

    private static MemorySegment stub() {
        try {
            return Linker.nativeLinker().upcallStub(MethodHandles.lookup().findStatic(AlpnSelect.class, "select",
                            SSL_CTX_alpn_select_cb_func.descriptor().toMethodType()),
                    SSL_CTX_alpn_select_cb_func.descriptor(), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Writes a server's protocol list where {@link #select} reads it: a 4-byte length, then the wire format. */
    static MemorySegment serverList(Arena arena, byte[] wire) {
        MemorySegment m = arena.allocate(4L + wire.length, 4);
        m.set(ValueLayout.JAVA_INT, 0, wire.length);
        MemorySegment.copy(wire, 0, m, ValueLayout.JAVA_BYTE, 4, wire.length);
        return m;
    }

    /**
     * {@code int (*)(SSL *, const unsigned char **out, unsigned char *outlen, const unsigned char
     * *in, unsigned int inlen, void *arg)}. No overlap ends the handshake with a fatal
     * {@code no_application_protocol} alert, as RFC 7301 asks. Never throws into C: anything
     * thrown refuses the handshake instead.
     */
    private static int select(MemorySegment ssl, MemorySegment out, MemorySegment outlen, MemorySegment in, int inlen,
                              MemorySegment arg) {
        try {
            int len = arg.reinterpret(4).get(ValueLayout.JAVA_INT, 0);
            MemorySegment server = arg.reinterpret(4L + len).asSlice(4);
            int r = LibTls.SSL_select_next_proto(out, outlen, server, len, in, inlen);
            return r == NEGOTIATED ? OK : FATAL;
        } catch (Throwable t) {
            return FATAL;
        }
    }
}
