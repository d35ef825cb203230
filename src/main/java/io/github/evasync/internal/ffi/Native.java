package io.github.evasync.internal.ffi;

import java.io.File;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads libevent into this class loader so that the generated bindings, which resolve their
 * symbols through {@code SymbolLookup.loaderLookup()}, find them (DESIGN.md, mechanism 1).
 *
 * <p>Order: the paths in the system property {@code evasync.libevent.path} (separated by the
 * platform path separator), then the Linux sonames of libevent_core, libevent_extra and
 * libevent_pthreads, each searched in the usual library directories.
 * {@code libevent-2.1.so.7} is never loaded with libevent_pthreads: it carries its own copy of
 * the core, and two copies of libevent's global state in one process break it.
 * libevent_core is required; libevent_extra holds the resolver, which only host-name lookups
 * need, so a process without it runs every loop and says what is missing at the first lookup
 * ({@link #ensureResolver()}). Nothing of libevent_pthreads is called; it is loaded when present.
 *
 * <p>Linux only, for now: the native layer reads errno through {@code __errno_location} (glibc
 * and musl), the generated constants are Linux's values, and the {@code sockaddr} layouts lack
 * the BSDs' length byte. On any other system nothing is loaded and the cause says so, rather
 * than let a wrong constant surface later as a baffling error.
 */
public final class Native {
    /** System property naming libevent files to load instead of searching for them. */
    public static final String PATH_PROPERTY = "evasync.libevent.path";

    private static final String[] SONAMES =
            {"libevent_core-2.1.so.7", "libevent_extra-2.1.so.7", "libevent_pthreads-2.1.so.7"};

    private static final Throwable CAUSE = loadAndConfigure();

    /**
     * Whether libevent's resolver was loaded: libevent_extra is optional, and without it no
     * {@code evdns_*} binding may be linked (their holders would fail for the JVM's life).
     */
    private static final boolean HAS_RESOLVER =
            CAUSE == null && SymbolLookup.loaderLookup().find("evdns_base_new").isPresent();

    private Native() {
    }

    /** Whether libevent was found and loaded. */
    public static boolean isAvailable() {
        return CAUSE == null;
    }

    /** Why libevent could not be loaded, or null when it was. */
    public static Throwable unavailabilityCause() {
        return CAUSE;
    }

    /** Throws the loading error when libevent is not available; cheap once loaded. */
    public static void ensureAvailable() {
        if (CAUSE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(CAUSE.getMessage());
            e.initCause(CAUSE);
            throw e;
        }
    }

    /** {@return whether libevent's resolver (libevent_extra) was loaded with libevent} */
    public static boolean hasResolver() {
        return HAS_RESOLVER;
    }

    /**
     * Throws, naming the package to install, when libevent loaded without its resolver; cheap
     * once loaded. An {@code IllegalStateException}, not an {@code Error}: a lookup is one call
     * of a loop that serves others, and the call's failure must not be the loop's.
     *
     * @throws UnsatisfiedLinkError when libevent itself was not loaded
     * @throws IllegalStateException when libevent loaded without its resolver
     */
    public static void ensureResolver() {
        ensureAvailable();
        if (!HAS_RESOLVER) {
            String override = System.getProperty(PATH_PROPERTY);
            throw new IllegalStateException("evasync looks host names up with libevent's resolver, which is in "
                    + SONAMES[1] + ", and this process did not load it ("
                    + (override != null && !override.isBlank() ? "-D" + PATH_PROPERTY + " named only " + override
                            : "it was not found where libevent_core was searched for")
                    + "). Install it: Debian/Ubuntu 'apt-get install libevent-extra-2.1-7' (or libevent-dev);"
                    + " or add it to -D" + PATH_PROPERTY + ". IP address literals need no lookup");
        }
    }

    /** The loaded libevent's version string, such as {@code 2.1.12-stable}; throws when it is not loaded. */
    public static String libeventVersion() {
        ensureAvailable();
        return io.github.evasync.internal.libevent.LibEvent.event_get_version().getString(0);
    }

    private static Throwable loadAndConfigure() {
        Throwable t = load();
        if (t == null && Boolean.getBoolean(AllocationCounter.PROPERTY)) {
            // Must come before any other libevent call.
            AllocationCounter.install();
        }
        return t;
    }

    /**
     * Why evasync cannot run on the system named {@code osName} (the {@code os.name} property),
     * or null when it can.
     */
    static String platformRefusal(String osName) {
        if ("Linux".equalsIgnoreCase(osName)) {
            return null;
        }
        return "evasync runs on Linux only for now (glibc or musl), and this system is '" + osName
                + "': its native layer uses Linux's errno entry point, constant values and sockaddr layouts."
                + " Another system needs its own bindings built and tested first";
    }

    private static Throwable load() {
        String refusal = platformRefusal(System.getProperty("os.name"));
        if (refusal != null) {
            return new UnsatisfiedLinkError(refusal);
        }
        List<String> tried = new ArrayList<>();
        String override = System.getProperty(PATH_PROPERTY);
        try {
            if (override != null && !override.isBlank()) {
                String missing = loadListed(override, tried);
                return missing == null ? null : failure(tried, missing, null);
            }
            List<Path> found = new ArrayList<>();
            for (String name : SONAMES) {
                Path p = find(name, tried);
                if (p != null) {
                    found.add(p);
                }
            }
            // The core library is required; extra and pthreads are loaded when present.
            if (!found.isEmpty() && found.get(0).getFileName().toString().equals(SONAMES[0])) {
                for (Path p : found) {
                    System.load(p.toString());
                }
                return null;
            }
            return failure(tried, "no libevent 2.1 core library was found", null);
        } catch (Throwable t) {
            return failure(tried, String.valueOf(t.getMessage()), t);
        }
    }

    /**
     * Loads the files of a path-list property's value, in order; {@return null, or why not}
     * (a file that is not there). Every file tried goes into {@code tried}.
     */
    static String loadListed(String value, List<String> tried) {
        for (String p : value.split(File.pathSeparator)) {
            if (p.isBlank()) {
                continue;
            }
            tried.add(p);
            Path path = Path.of(p).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                return "file not found: " + path;
            }
            System.load(path.toString());
        }
        return null;
    }

    /** {@return the file {@code name} in the first library directory that has it, or null}; each path tried goes into {@code tried} */
    static Path find(String name, List<String> tried) {
        for (String dir : searchDirectories()) {
            Path p = Path.of(dir, name);
            tried.add(p.toString());
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Set<String> searchDirectories() {
        Set<String> dirs = new LinkedHashSet<>();
        for (String v : new String[]{System.getProperty("java.library.path"), System.getenv("LD_LIBRARY_PATH")}) {
            if (v != null) {
                for (String d : v.split(File.pathSeparator)) {
                    if (!d.isBlank()) {
                        dirs.add(d);
                    }
                }
            }
        }
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        dirs.add("/usr/lib/" + arch + "-linux-gnu");
        dirs.add("/lib/" + arch + "-linux-gnu");
        dirs.addAll(List.of("/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib"));
        return dirs;
    }

    private static Throwable failure(List<String> tried, String reason, Throwable cause) {
        String msg = "evasync could not load libevent 2.1 (" + reason + "). Install it: Debian/Ubuntu "
                + "'apt-get install libevent-core-2.1-7 libevent-extra-2.1-7' (or libevent-dev), elsewhere your"
                + " distribution's libevent 2.1 package; or point -D" + PATH_PROPERTY
                + " at the libevent_core, libevent_extra and libevent_pthreads files. Tried: "
                + String.join(", ", tried);
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(msg);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
