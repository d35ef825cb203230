/**
 * TLS for TCP sockets and servers (cl-async's {@code tcp-ssl-connect} and {@code tcp-ssl-server}),
 * on OpenSSL 3 through libevent's OpenSSL bufferevents: {@link io.github.evasync.tls.TlsOptions}
 * for {@code TcpOptions.tls} and {@code ServerOptions.tls}, and the {@link io.github.evasync.tls.TlsSession}
 * a socket reports. The TLS libraries (Debian: {@code libssl3}, {@code libevent-openssl-2.1-7}) are
 * loaded on first use only; the system property {@code evasync.tls.path} names other copies.
 * Failures are {@code io.github.evasync.TlsError}.
 */
package io.github.evasync.tls;
