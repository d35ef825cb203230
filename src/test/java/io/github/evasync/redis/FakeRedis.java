package io.github.evasync.redis;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server on a loopback port that accepts connections and does one thing with each (reads some
 * bytes and closes, reads for ever, closes at once): a server that dies or stalls at a chosen
 * moment, without a real one. Every connection gets the same treatment.
 */
final class FakeRedis implements AutoCloseable {
    /** What the server does with an accepted connection, on its own thread. */
    interface Treatment {
        void serve(Socket s) throws IOException;
    }

    /** {@code *1\r\n$4\r\nPING\r\n}: the bytes of one PING. */
    static final int PING_BYTES = 14;

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private FakeRedis(Treatment treatment) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (true) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException closed) {
                    return;
                }
                accepted.add(s);
                Thread t = new Thread(() -> {
                    try {
                        treatment.serve(s);
                    } catch (IOException gone) {
                        // the client went first
                    }
                }, "fake-redis-conn");
                t.setDaemon(true);
                t.start();
            }
        }, "fake-redis");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static FakeRedis start(Treatment treatment) throws IOException {
        return new FakeRedis(treatment);
    }

    /** Reads {@code n} bytes (the commands in flight), then closes: a server that dies with them unanswered. */
    static Treatment readThenClose(int n) {
        return s -> {
            try (s) {
                InputStream in = s.getInputStream();
                int got = 0;
                byte[] buf = new byte[4096];
                while (got < n) {
                    int r = in.read(buf, 0, Math.min(buf.length, n - got));
                    if (r < 0) {
                        return;
                    }
                    got += r;
                }
            }
        };
    }

    /** Reads and never answers: a server that stalls. */
    static Treatment readForever() {
        return s -> {
            try (s) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                while (in.read(buf) >= 0) {
                    // nothing answered
                }
            }
        };
    }

    /** Closes at once: the connection is lost right after it was made. */
    static Treatment closeAtOnce() {
        return Socket::close;
    }

    String uri() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
