/**
 * The TLS settings' side of the internal code: each {@code TlsOptions} instance's OpenSSL context,
 * made on first use and released when the options become unreachable, and the bridge through
 * which TCP sockets and servers reach it.
 */
package io.github.evasync.internal.tls;
