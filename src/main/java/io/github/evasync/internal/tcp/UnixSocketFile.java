package io.github.evasync.internal.tcp;

import io.github.evasync.TcpServerBindError;
import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.ffi.SockAddr;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The socket file of a Unix-domain server: its name as bytes for {@code sockaddr_un}, the
 * clearing of a stale file left by a process that died (as Node and Vert.x leave it to the
 * application, and systemd does for its own), and its removal once the server closes. A file
 * is removed only when it is the one this server made (same device and inode): another server
 * may have replaced it meanwhile.
 */
final class UnixSocketFile {
    /** {@code S_IFMT} and {@code S_IFSOCK} of {@code st_mode}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    /** How the JVM spells file names to the system. */
    private static final Charset FILE_NAMES = fileNameCharset();

    final Path path;
    final byte[] bytes;
    /** Tests only: a look into the windows below, told the point and the path. */
    interface Seam {
        /**
         * @param point {@code "remove"} just before a file is removed, after it was checked (a
         *     stale one, or ours as the server closes); {@code "bound"} once the socket is bound,
         *     before the file's identity is recorded
         */
        void at(String point, Path path);
    }

    /** Tests only: null in production. */
    static volatile Seam seam;

    /** The bound file's identity (device and inode), once bound; what {@link #removeIfOurs} checks. */
    private Object fileKey;

    private UnixSocketFile(Path path, byte[] bytes) {
        this.path = path;
        this.bytes = bytes;
    }

    /**
     * Checks a socket path argument, naming it.
     *
     * @throws IllegalArgumentException for an empty path or one longer than {@code sockaddr_un} holds
     */
    static UnixSocketFile of(Path path, String argument) {
        Objects.requireNonNull(path, argument);
        byte[] b = path.toString().getBytes(FILE_NAMES);
        if (b.length == 0) {
            throw new IllegalArgumentException(argument + " must not be empty");
        }
        if (b.length > SockAddr.MAX_UNIX_PATH) {
            throw new IllegalArgumentException(argument + " is " + b.length + " bytes long; a Unix socket path holds at most "
                    + SockAddr.MAX_UNIX_PATH + " (use a shorter or relative path): " + path);
        }
        return new UnixSocketFile(path, b);
    }

    /**
     * Takes the path for this server while it clears a stale file, binds and listens, so that no
     * other evasync server, in this JVM or another process, probes the file in that window: on
     * Linux a socket bound and not yet listening refuses a connect as a dead one does, and two
     * servers that both found the file stale would each delete what the other made. Within the
     * JVM a lock per absolute path serialises them; across processes an advisory lock on the file
     * {@code path + ".lock"} does (as many servers keep a lock file beside their socket). The
     * lock file stays: removing it while another process waits on it would let a third one lock a
     * new file of that name alongside. Servers that are not evasync's take no such lock.
     *
     * @throws TcpServerBindError when the lock file cannot be made or stays locked
     */
    UnixSocketClaim claim() {
        return UnixSocketClaim.take(path);
    }

    /**
     * Refuses at once a path that holds something other than a socket (a file, a directory, a
     * link), before a lock file is made beside it for nothing. {@link #clearStale()} checks again
     * under the claim; this one only spares the stray lock file.
     *
     * @throws TcpServerBindError when the path holds something that is not a socket
     */
    void refuseIfNotSocket() {
        try {
            Map<String, Object> a = Files.readAttributes(path, AS_CHECKED, LinkOption.NOFOLLOW_LINKS);
            if (((Integer) a.get("mode") & S_IFMT) != S_IFSOCK) {
                throw new TcpServerBindError(path, -1, "the file exists and is not a socket (left alone)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Absent, or not examinable: the check under the claim answers.
        }
    }

    /**
     * Makes way for binding: a socket file that nothing listens on (a connect is refused) is a
     * stale one and is removed; a live one, or anything that is not a socket, stays, and the
     * server is refused. Call with the path {@linkplain #claim() claimed}. The file's identity is
     * read with its type and checked again just before it is removed: a file put there meanwhile
     * (by something that takes no lock) is not the stale one and is left alone.
     *
     * @throws TcpServerBindError when the path is taken
     */
    void clearStale() {
        Object checked;
        try {
            Map<String, Object> a = Files.readAttributes(path, AS_CHECKED, LinkOption.NOFOLLOW_LINKS);
            if (((Integer) a.get("mode") & S_IFMT) != S_IFSOCK) {
                throw new TcpServerBindError(path, -1, "the file exists and is not a socket (left alone)");
            }
            checked = asChecked(a);
        } catch (NoSuchFileException gone) {
            return;
        } catch (IOException | UnsupportedOperationException e) {
            throw new TcpServerBindError(path, -1, "cannot examine the file: " + e);
        }
        switch (probe()) {
            case LISTENING -> throw new TcpServerBindError(path, LibC.EADDRINUSE, "a server is listening on it");
            case GONE -> {
                return;
            }
            default -> {
                // Refused: stale.
            }
        }
        atSeam("remove");
        Object now = asChecked();
        if (now == null) {
            return; // removed meanwhile: bind now
        }
        if (!now.equals(checked)) {
            throw new TcpServerBindError(path, -1, "the socket file was replaced while it was checked (left alone)");
        }
        try {
            Files.delete(path);
        } catch (NoSuchFileException gone) {
            // Removed meanwhile: bind now.
        } catch (IOException e) {
            throw new TcpServerBindError(path, -1, "cannot remove the stale socket file: " + e);
        }
    }

    /** What a connect to the file says. */
    private enum Probe { LISTENING, REFUSED, GONE }

    /**
     * Whether a server accepts on the socket file: a refused connect means nobody does, and a
     * connect that finds no file means it went meanwhile.
     */
    private Probe probe() {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking: a live server with a full backlog must not hold the loop; it is live.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return Probe.LISTENING;
        } catch (ConnectException refused) {
            return Probe.REFUSED;
        } catch (IOException e) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return Probe.GONE; // ENOENT, which the JDK reports with no type of its own
            }
            throw new TcpServerBindError(path, -1, "cannot tell whether a server listens on it: " + e);
        }
    }

    /** The socket is bound: remembers which file is ours. */
    void bound() {
        atSeam("bound");
        fileKey = identity();
    }

    /**
     * Removes the file just bound when its identity could not be recorded ({@link #bound()}
     * failed): with the path claimed, the socket file there is the one just made.
     */
    void removeJustBound() {
        if (fileKey != null) {
            removeIfOurs();
            return;
        }
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (((Integer) a.get("mode") & S_IFMT) == S_IFSOCK) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Gone already, or unreadable: nothing to undo that we can.
        }
    }

    /** Removes the socket file if it is still the one this server bound. Never throws. */
    void removeIfOurs() {
        Object ours = fileKey;
        if (ours == null) {
            return;
        }
        fileKey = null;
        atSeam("remove");
        if (ours.equals(identity())) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // Gone already, or a directory we may no longer write: nothing to undo.
            }
        }
    }

    private void atSeam(String point) {
        Seam s = seam;
        if (s != null) {
            s.at(point, path);
        }
    }

    /** {@return the file's device and inode, or null when there is none (or it cannot be read)} */
    private Object identity() {
        try {
            return identity(Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static Object identity(Map<String, Object> devIno) {
        return List.of(devIno.get("dev"), devIno.get("ino"));
    }

    /**
     * What {@link #clearStale} compares before removing: device and inode are not enough there,
     * since ext4 hands a freed inode number to the next file made (a stale file removed and
     * replaced at once comes back with its number); its type and change time tell them apart.
     */
    private static final String AS_CHECKED = "unix:dev,ino,mode,ctime";

    private Object asChecked() {
        try {
            return asChecked(Files.readAttributes(path, AS_CHECKED, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static Object asChecked(Map<String, Object> a) {
        return List.of(a.get("dev"), a.get("ino"), a.get("mode"), a.get("ctime"));
    }

    private static Charset fileNameCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
