package io.github.evasync.tcp;

import io.github.evasync.internal.libevent.LibEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Looks at this process's own TCP sockets from outside the loop: their descriptor and options. */
final class SocketProbe {
    private SocketProbe() {
    }

    /** The descriptor of this process's TCP socket from {@code localPort} to {@code remotePort}, found through /proc. */
    static int fd(int localPort, int remotePort) throws Exception {
        String local = String.format(":%04X", localPort);
        String remote = String.format(":%04X", remotePort);
        Set<String> inodes = new HashSet<>();
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
        if (Files.exists(Path.of("/proc/net/tcp6"))) { // absent on a kernel without IPv6
            lines.addAll(Files.readAllLines(Path.of("/proc/net/tcp6")));
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote) && !f[9].equals("0")) {
                inodes.add("socket:[" + f[9] + "]");
            }
        }
        try (var dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                try {
                    if (inodes.contains(Files.readSymbolicLink(p).toString())) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (java.io.IOException closedMeanwhile) {
                    // not ours any more
                }
            }
        }
        throw new IllegalStateException("no socket of ours from port " + localPort + " to " + remotePort);
    }

    /** The C library's getsockopt, linked here: the library itself never reads an option back. */
    private static final MethodHandle GETSOCKOPT = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    /** An int socket option, read with getsockopt. */
    static int option(int fd, int level, int name) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 4);
            if ((int) GETSOCKOPT.invokeExact(fd, level, name, v, len) != 0) {
                throw new IllegalStateException("getsockopt failed on fd " + fd);
            }
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** TCP_NODELAY of the socket from {@code localPort} to {@code remotePort}. */
    static boolean noDelay(int localPort, int remotePort) throws Throwable {
        return option(fd(localPort, remotePort), LibEvent.IPPROTO_TCP(), 1) != 0;
    }

    /**
     * What {@code ss} says of the established socket from {@code localPort} (its timer shows
     * {@code keepalive} and the time left when keepalive is on).
     */
    static String ss(int localPort) throws Exception {
        Peer.Result r = Peer.run(null, "ss", "-tnoH", "state", "established", "( sport = :" + localPort + " )");
        if (r.exit() != 0 || r.out().isEmpty()) {
            throw new IllegalStateException("ss found no socket from port " + localPort + ": " + r.out());
        }
        return r.out();
    }
}
