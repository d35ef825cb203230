package io.github.evasync;

import java.net.Socket;

/** Test helper: the file descriptor under a blocking java.net.Socket, read from /proc. */
final class FdOf {
    private FdOf() {
    }

    static int socket(Socket s) throws Exception {
        // Find the fd whose socket inode matches this socket's ports, via /proc/self/fd and
        // /proc/net/tcp; avoids reflection into the JDK. Other processes (and other loopback
        // addresses) may hold sockets with the same port numbers, so every matching inode is a
        // candidate and only one of ours counts.
        String local = String.format(":%04X", s.getLocalPort());
        String remote = String.format(":%04X", s.getPort());
        java.util.Set<String> inodes = new java.util.HashSet<>();
        var lines = new java.util.ArrayList<>(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp")));
        lines.addAll(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp6")));
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // Inode 0: a TIME_WAIT leftover of an earlier socket on the same port, owned by nobody.
            if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote) && !f[9].equals("0")) {
                inodes.add("socket:[" + f[9] + "]");
            }
        }
        if (inodes.isEmpty()) {
            throw new IllegalStateException("socket not found in /proc/net/tcp");
        }
        try (var dir = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/fd"))) {
            for (var p : dir) {
                try {
                    if (inodes.contains(java.nio.file.Files.readSymbolicLink(p).toString())) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (java.io.IOException ignored) {
                    // fd closed meanwhile
                }
            }
        }
        throw new IllegalStateException("fd not found for inodes " + inodes);
    }
}
