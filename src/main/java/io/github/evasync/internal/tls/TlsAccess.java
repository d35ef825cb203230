package io.github.evasync.internal.tls;

import io.github.evasync.internal.ffi.TlsContext;
import io.github.evasync.tls.TlsOptions;

import java.util.function.Function;

/**
 * How the internal code reaches a {@link TlsOptions} instance's OpenSSL context without a public
 * method on it: {@code TlsOptions} registers this bridge as its class initializes, which has
 * happened by the time anyone holds an instance (the JDK's "shared secrets" pattern).
 */
public final class TlsAccess {
    private static volatile Function<TlsOptions, TlsContext> contexts;

    private TlsAccess() {
    }

    /** Called once, from {@code TlsOptions}'s static initializer. */
    public static void register(Function<TlsOptions, TlsContext> bridge) {
        if (contexts != null) {
            throw new IllegalStateException("registered twice");
        }
        contexts = bridge;
    }

    /**
     * {@return the context of {@code options}, made now if this is its first use}; the options
     * keep their reference, and a socket takes its own.
     *
     * @throws IllegalArgumentException when a certificate, key or CA file cannot be used
     * @throws UnsatisfiedLinkError when the TLS libraries cannot be loaded
     */
    public static TlsContext context(TlsOptions options) {
        return contexts.apply(options);
    }
}
