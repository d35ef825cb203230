package io.github.evasync.internal.ffi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads OpenSSL 3's libssl and libevent's libevent_openssl, on the first use of TLS only: a
 * program that never asks for TLS never maps them (the generated {@code LibTls} is a header
 * class of its own, so no plain binding names a libssl symbol). Once loaded, {@code LibTls}
 * finds their symbols through {@code SymbolLookup.loaderLookup()}, as {@code LibEvent} finds
 * libevent's after {@link Native} (DESIGN.md, mechanism 1); libcrypto's come along, as
 * libssl's dependency.
 *
 * <p>Order: the files named by the system property {@value #PATH_PROPERTY} (separated by the
 * platform path separator: libssl, libcrypto if wanted, then libevent_openssl), else the Linux
 * sonames {@code libssl.so.3} and {@code libevent_openssl-2.1.so.7}, searched where
 * {@link Native} searches for libevent. libevent_openssl needs libevent_core; the dynamic
 * linker reuses the one {@link Native} loaded, which has the same soname.
 */
public final class TlsNative {
    /** System property naming the libssl, libcrypto and libevent_openssl files to load instead of searching. */
    public static final String PATH_PROPERTY = "evasync.tls.path";

    private static final String[] SONAMES = {"libssl.so.3", "libevent_openssl-2.1.so.7"};

    private TlsNative() {
    }

    /** Set once the libraries are loaded and their bindings linked. */
    private static volatile boolean loaded;
    /** A failure to load that no retry can mend (a library missing or refused). */
    private static Throwable failed;

    /**
     * Loads the TLS libraries and links their bindings if not done yet; cheap once done. The
     * work runs on a thread of its own, for the reason {@link Linking} gives: the first TLS
     * socket may be made near the end of some callback's stack, and a binding whose linking
     * overflowed there would stay broken for the JVM's life.
     *
     * @throws UnsatisfiedLinkError naming the packages to install and {@value #PATH_PROPERTY}
     */
    public static void ensureLoaded() {
        if (!loaded) {
            loadOnce();
        }
    }

    private static synchronized void loadOnce() {
        Native.ensureAvailable();
        if (!loaded && failed == null) {
            Throwable outcome = new FreshStack("evasync-tls-load") {
                @Override
                protected void work() throws Exception {
                    Throwable notLoaded = load();
                    if (notLoaded != null) {
                        throw (UnsatisfiedLinkError) notLoaded;
                    }
                    Linking.linkTls();
                }
            }.runAndWait();
            if (outcome == null) {
                loaded = true;
            } else if (outcome instanceof UnsatisfiedLinkError) {
                failed = outcome;
            } else {
                throw new IllegalStateException("evasync could not link the TLS bindings", outcome);
            }
        }
        if (failed != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(failed.getMessage());
            e.initCause(failed);
            throw e;
        }
    }

    /** {@return whether this process loaded the TLS libraries (TLS was used)} */
    public static boolean isLoaded() {
        return loaded;
    }

    private static Throwable load() {
        List<String> tried = new ArrayList<>();
        try {
            String override = System.getProperty(PATH_PROPERTY);
            if (override != null && !override.isBlank()) {
                String missing = Native.loadListed(override, tried);
                if (missing != null) {
                    return failure(tried, missing, null);
                }
            } else {
                for (String name : SONAMES) {
                    Path p = Native.find(name, tried);
                    if (p == null) {
                        return failure(tried, name + " was not found", null);
                    }
                    System.load(p.toString());
                }
            }
            return null;
        } catch (Throwable t) {
            return failure(tried, String.valueOf(t.getMessage()), t);
        }
    }

    private static Throwable failure(List<String> tried, String reason, Throwable cause) {
        String msg = "evasync could not load the TLS libraries, OpenSSL 3 and libevent_openssl 2.1 (" + reason
                + "). Install them: Debian/Ubuntu 'apt-get install libssl3 libevent-openssl-2.1-7', elsewhere your"
                + " distribution's OpenSSL 3 and libevent 2.1 OpenSSL packages; or point -D" + PATH_PROPERTY
                + " at the libssl.so.3 and libevent_openssl-2.1.so.7 files (and -D" + Native.PATH_PROPERTY
                + " at the matching libevent). Tried: " + String.join(", ", tried);
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(msg);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
