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
import java.nio.file.attribute.BasicFileAttributes;
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
    /**
     * Tests only: runs with the path just before a file is removed, after it was checked (a
     * stale one, or ours as the server closes), so a test can act in that window.
     */
    static volatile java.util.function.Consumer<Path> seam;

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
     * Makes way for binding: a socket file that nothing listens on (a connect is refused) is a
     * stale one and is removed; a live one, or anything that is not a socket, stays, and the
     * server is refused.
     *
     * @throws TcpServerBindError when the path is taken
     */
    void clearStale() {
        int mode;
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new TcpServerBindError(path, -1, "cannot examine the file: " + e);
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new TcpServerBindError(path, LibC.EADDRINUSE, "the file exists and is not a socket (left alone)");
        }
        if (listenedOn()) {
            throw new TcpServerBindError(path, LibC.EADDRINUSE, "a server is listening on it");
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new TcpServerBindError(path, -1, "cannot remove the stale socket file: " + e);
        }
    }

    /** Whether a server accepts on the socket file: a connect is not refused. */
    private boolean listenedOn() {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking: a live server with a full backlog must not hold the loop; it is live.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new TcpServerBindError(path, -1, "cannot tell whether a server listens on it: " + e);
        }
    }

    /** The socket is bound: remembers which file is ours. */
    void bound() {
        fileKey = key();
    }

    /** Removes the socket file if it is still the one this server bound. Never throws. */
    void removeIfOurs() {
        Object ours = fileKey;
        if (ours == null) {
            return;
        }
        fileKey = null;
        atSeam();
        if (ours.equals(key())) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // Gone already, or a directory we may no longer write: nothing to undo.
            }
        }
    }

    private void atSeam() {
        java.util.function.Consumer<Path> s = seam;
        if (s != null) {
            s.accept(path);
        }
    }

    private Object key() {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
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
