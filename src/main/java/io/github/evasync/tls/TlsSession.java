package io.github.evasync.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a TLS socket's handshake settled, from {@code socket.tlsSession()}.
 *
 * @param protocol the protocol version, such as {@code TLSv1.3}
 * @param cipherSuite the cipher suite, in OpenSSL's naming, such as {@code TLS_AES_256_GCM_SHA384}
 * @param alpn the application protocol both sides chose through ALPN, or null when none was
 * @param peerCertificates the certificates the peer presented, its own first; empty when it presented none
 */
public record TlsSession(String protocol, String cipherSuite, String alpn, List<X509Certificate> peerCertificates) {
    /** Copies the certificate list, which may not be null. */
    public TlsSession {
        peerCertificates = List.copyOf(peerCertificates);
    }
}
