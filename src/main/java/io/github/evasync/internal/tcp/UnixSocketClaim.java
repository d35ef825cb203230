package io.github.evasync.internal.tcp;

import io.github.evasync.TcpServerBindError;
import io.github.evasync.internal.ffi.LibC;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Unix server's hold on its socket path while it checks, binds and listens (see
 * {@link UnixSocketFile#claim()}): a lock per absolute path within the JVM, then an advisory lock
 * ({@code flock}-like, {@link FileChannel#tryLock()}) on {@code path + ".lock"} across processes.
 * The JVM lock comes first because the JDK refuses a second lock on one file from one JVM
 * ({@code OverlappingFileLockException}) instead of waiting. Loop thread; held for a few system
 * calls, so waiting for another holder is short.
 */
final class UnixSocketClaim implements AutoCloseable {
    /** How long to wait for another process's hold, which spans a few system calls, before giving up. */
    private static final long PROCESS_WAIT_NANOS = 5_000_000_000L;
    /**
     * One lock per path ever claimed in this JVM. Entries stay: removing one while another
     * thread is about to take it would give two threads two locks for one path. A server
     * process claims a handful of paths.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock jvmLock;
    private final FileChannel lockFile;
    private final FileLock lock;

    private UnixSocketClaim(ReentrantLock jvmLock, FileChannel lockFile, FileLock lock) {
        this.jvmLock = jvmLock;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    static UnixSocketClaim take(Path path) {
        Path key = path.toAbsolutePath().normalize();
        ReentrantLock fresh = new ReentrantLock();
        ReentrantLock existing = IN_JVM.putIfAbsent(key, fresh);
        ReentrantLock jvmLock = existing != null ? existing : fresh;
        jvmLock.lock();
        FileChannel ch = null;
        try {
            if (key.getFileName() == null) {
                throw new TcpServerBindError(path, -1, "the root directory is not a socket path");
            }
            // Beside the socket file itself: for ".", "..", and names ending in them, that is
            // not where path.getFileName() would say.
            Path lockPath = key.resolveSibling(key.getFileName() + ".lock");
            try {
                // Read and write, not following a link: opened for writing only, a FIFO put
                // there blocks the loop thread until some process reads it; a link would make
                // its target (anywhere) be created.
                ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                if (!Files.isRegularFile(lockPath, LinkOption.NOFOLLOW_LINKS)) {
                    throw new TcpServerBindError(path, -1, "the lock file " + lockPath + " is not a regular file");
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // No directory to make the lock file in, nor so the socket file: bind's own answer.
                throw new TcpServerBindError(path, LibC.ENOENT, LibC.strerror(LibC.ENOENT));
            } catch (IOException | UnsupportedOperationException e) {
                throw new TcpServerBindError(path, -1, "cannot open the lock file " + lockPath + ": " + e);
            }
            FileLock lock = lockWithin(ch, path, lockPath);
            return new UnixSocketClaim(jvmLock, ch, lock);
        } catch (Throwable t) {
            closeQuietly(ch);
            jvmLock.unlock();
            throw t;
        }
    }

    private static FileLock lockWithin(FileChannel ch, Path path, Path lockPath) {
        long deadline = System.nanoTime() + PROCESS_WAIT_NANOS;
        try {
            while (true) {
                FileLock lock = ch.tryLock();
                if (lock != null) {
                    return lock;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new TcpServerBindError(path, -1, "another process holds " + lockPath
                            + " (a server starting on the same path)");
                }
                Thread.sleep(1);
            }
        } catch (IOException e) {
            throw new TcpServerBindError(path, -1, "cannot lock " + lockPath + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TcpServerBindError(path, -1, "interrupted while waiting for " + lockPath);
        }
    }

    /** Lets the next server in: the file lock, then the JVM's. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases it anyway.
        } finally {
            closeQuietly(lockFile);
            jvmLock.unlock();
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // Nothing held is lost: the lock goes with the descriptor.
            }
        }
    }
}
