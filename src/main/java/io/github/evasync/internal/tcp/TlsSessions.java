package io.github.evasync.internal.tcp;

import io.github.evasync.internal.ffi.BufferEvent;
import io.github.evasync.tls.TlsSession;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Turns what OpenSSL reports of a session into the public {@link TlsSession}. */
final class TlsSessions {
    private TlsSessions() {
    }

    static TlsSession of(BufferEvent.TlsState state) {
        List<X509Certificate> certificates = new ArrayList<>(state.certificates().size());
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (byte[] der : state.certificates()) {
                certificates.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            // OpenSSL accepted these certificates; Java refusing one is worth telling, not hiding.
            throw new IllegalStateException("the JDK cannot parse a peer certificate OpenSSL accepted", e);
        }
        return new TlsSession(state.protocol(), state.cipherSuite(), state.alpn(), certificates);
    }
}
