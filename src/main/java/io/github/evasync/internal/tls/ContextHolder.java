package io.github.evasync.internal.tls;

import io.github.evasync.internal.ffi.TlsContext;

import java.lang.ref.Cleaner;
import java.util.function.Supplier;

/**
 * One {@code TlsOptions} instance's OpenSSL context, made on first use. The options' own
 * reference to it is held by a {@link Cleaner} registration on the options object: it is
 * released once the options are unreachable, and the context is freed when, besides, the last
 * socket using it has freed its {@code SSL} (see {@link TlsContext}). The cleaning action holds
 * the context only, never the options, or they would never become unreachable.
 */
public final class ContextHolder {
    /** Made on the first use of TLS; its thread is a daemon that sleeps while there is nothing to clean. */
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create();
    }

    private TlsContext context;

    /**
     * {@return the context, made from {@code settings} on the first call}
     *
     * @param owner the options object whose unreachability releases the context
     */
    public synchronized TlsContext get(Object owner, Supplier<TlsContext.Settings> settings) {
        if (context == null) {
            TlsContext c = TlsContext.obtain(settings.get());
            Holder.CLEANER.register(owner, c::release);
            context = c;
        }
        return context;
    }
}
