package io.github.evasync;

import java.net.Socket;

/** Test helper: the file descriptor under a blocking java.net.Socket, read from /proc. */
final class FdOf {
    private FdOf() {
    }

    static int socket(Socket s) throws Exception {
        // Find the fd whose socket inode matches this socket's local port, via /proc/self/fd
        // and /proc/net/tcp; avoids reflection into the JDK.
        int port = s.getLocalPort();
        String hexPort = String.format("%04X", port);
        String inode = null;
        var lines = new java.util.ArrayList<>(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp")));
        lines.addAll(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp6")));
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // Inode 0: a TIME_WAIT leftover of an earlier socket on the same port, owned by nobody.
            if (f.length > 9 && f[1].endsWith(":" + hexPort) && !f[2].endsWith(":0000") && !f[9].equals("0")) {
                inode = f[9];
                break;
            }
        }
        if (inode == null) {
            throw new IllegalStateException("socket not found in /proc/net/tcp");
        }
        try (var dir = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/fd"))) {
            for (var p : dir) {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(p).toString();
                    if (target.equals("socket:[" + inode + "]")) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (java.io.IOException ignored) {
                    // fd closed meanwhile
                }
            }
        }
        throw new IllegalStateException("fd not found for inode " + inode);
    }
}
