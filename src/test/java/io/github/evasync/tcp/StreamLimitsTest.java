package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A socket's streams against a peer that floods or never reads, and after the socket or its loop
 * has closed: the input stream's buffer is bounded (TCP holds the peer back), a read after
 * {@code close()} says the end, what arrived stays readable once the loop has closed, and the
 * output stream blocks a plain thread while the peer is behind.
 */
@Timeout(60)
class StreamLimitsTest {
    /** What the input stream may hold unread (SocketInput's limit), with a read's worth of slack. */
    private static final long INPUT_BOUND = (64L << 20) + (64 << 10);

    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static TcpSocket connect(EventLoop loop, ServerSocket ss, boolean stream) throws Exception {
        CompletableFuture<TcpSocket> f = new CompletableFuture<>();
        loop.execute(() -> loop.tcpConnect("127.0.0.1", ss.getLocalPort(), (s, d) -> { }, ev -> { },
                TcpOptions.defaults().connectCallback(s -> {
                    if (stream) {
                        s.inputStream();
                    }
                    f.complete(s);
                })));
        return f.get(10, TimeUnit.SECONDS);
    }

    /** What a test does with a socket of the loop's and its plain-Java peer. */
    private interface WithPeer {
        void run(EventLoop loop, TcpSocket s, Socket peer) throws Exception;
    }

    /** Connects a loop's socket (with its input stream asked for, when {@code stream}) to a peer; checks the loop idle after. */
    private void withPeer(boolean stream, WithPeer test) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EventLoop loop = loops.start();
            TcpSocket s = connect(loop, ss, stream);
            try (Socket peer = ss.accept()) {
                test.run(loop, s, peer);
            }
            if (!loop.isClosed()) {
                Idle.awaitIdle(loop);
                loop.close();
            }
        }
    }

    private static void awaitAvailable(InputStream in, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (in.available() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static boolean nothingYet(IOException e) {
        return e.getMessage() != null && e.getMessage().startsWith("nothing has arrived");
    }

    @Test
    void aFloodIntoAStreamNobodyReadsIsHeldBackAndArrivesWhole() throws Exception {
        long total = 160L << 20;
        withPeer(true, (loop, s, peer) -> {
            InputStream in = s.inputStream();
            CompletableFuture<Void> wrote = CompletableFuture.runAsync(() -> {
                byte[] piece = new byte[1 << 20];
                try {
                    OutputStream out = peer.getOutputStream();
                    for (long sent = 0; sent < total; sent += piece.length) {
                        for (int i = 0; i < piece.length; i++) {
                            piece[i] = (byte) ((sent + i) % 251);
                        }
                        out.write(piece);
                    }
                    peer.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
        });
        Thread.sleep(1500);
        assertFalse(wrote.isDone(), "the peer wrote all of it into a stream nobody read");
        assertTrue(in.available() <= INPUT_BOUND, "held unread: " + in.available());
        byte[] buf = new byte[64 << 10];
        long got = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                assertTrue(nothingYet(e), e::toString);
                Thread.sleep(1);
                continue;
            }
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                assertEquals((byte) ((got + i) % 251), buf[i], "byte " + (got + i));
            }
            got += n;
        }
        assertEquals(total, got);
        wrote.get(10, TimeUnit.SECONDS);
        });
    }

    @Test
    void aReadAfterCloseSaysTheEndOnceWhatArrivedIsRead() throws Exception {
        withPeer(true, (loop, s, peer) -> { // never reads: the close waits for the output to leave
            InputStream in = s.inputStream();
            peer.getOutputStream().write("ab".getBytes());
            awaitAvailable(in, 2);
            s.write(new byte[16 << 20]);
            s.close();
            assertEquals('a', in.read());
            assertEquals('b', in.read());
            assertEquals(-1, in.read()); // nothing more can come: not "wait for the callback"
            s.closeNow();
        });
    }

    @Test
    void whatArrivedStaysReadableAfterTheLoopCloses() throws Exception {
        withPeer(true, (loop, s, peer) -> {
            InputStream in = s.inputStream();
            peer.getOutputStream().write("hello".getBytes());
            awaitAvailable(in, 5);
            assertEquals('h', in.read());
            loop.close();
            assertEquals(4, in.available());
            byte[] rest = new byte[8];
            assertEquals(4, in.read(rest));
            assertEquals("ello", new String(rest, 0, 4));
            assertEquals(-1, in.read());
            assertEquals(0, in.skip(3));
        });
    }

    @Test
    void theOutputStreamBlocksAPlainThreadWhileThePeerIsBehind() throws Exception {
        withPeer(false, (loop, s, peer) -> { // does not read until told
            OutputStream out = s.outputStream();
            long total = 64L << 20;
            CompletableFuture<Void> wrote = CompletableFuture.runAsync(() -> {
                byte[] piece = new byte[1 << 20];
                try {
                    for (long sent = 0; sent < total; sent += piece.length) {
                        out.write(piece);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
        });
        Thread.sleep(1500);
        assertFalse(wrote.isDone(), "64 MiB were queued for a peer that reads nothing");
        assertTrue(s.outputBufferLength() <= 2L << 20, "queued: " + s.outputBufferLength());
        InputStream peerIn = peer.getInputStream();
        byte[] buf = new byte[1 << 16];
        long got = 0;
        while (got < total) {
            int n = peerIn.read(buf);
            assertTrue(n > 0);
            got += n;
        }
        wrote.get(10, TimeUnit.SECONDS);
        });
    }

    @Test
    void aWriteBlockedOnAPeerThatNeverReadsEndsWhenTheSocketCloses() throws Exception {
        withPeer(false, (loop, s, peer) -> { // never reads
            OutputStream out = s.outputStream();
            CompletableFuture<Void> wrote = CompletableFuture.runAsync(() -> {
                byte[] piece = new byte[1 << 20];
                try {
                    for (int i = 0; i < 256; i++) {
                        out.write(piece);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
        });
        Thread.sleep(1000);
        assertFalse(wrote.isDone());
        s.closeNow();
        Throwable e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> wrote.get(10, TimeUnit.SECONDS)).getCause();
        assertTrue(e.getCause() instanceof IOException, e::toString);
        });
    }

    @Test
    void aStreamAtItsLimitLeavesTheLoopQuiet() throws Exception {
        // libevent's read watermark, tried first, called the read callback again on every turn
        // while the input sat at the limit: millions of empty callbacks a second, a spinning loop.
        EventLoop loop = loops.start();
        java.util.concurrent.atomic.AtomicLong callbacks = new java.util.concurrent.atomic.AtomicLong();
        CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
        TcpServer server = loop.submit(() -> loop.tcpServer("127.0.0.1", 0, (s, d) -> callbacks.incrementAndGet(),
                ev -> { }, ServerOptions.defaults().connectCallback(s -> {
                    s.inputStream();
                    accepted.complete(s);
                }))).get(10, TimeUnit.SECONDS);
        try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            TcpSocket s = accepted.get(10, TimeUnit.SECONDS);
            CompletableFuture.runAsync(() -> {
                try {
                    peer.getOutputStream().write(new byte[96 << 20]);
                } catch (IOException ignored) {
                    // closed at the end
                }
            });
            Thread.sleep(1000);
            long before = callbacks.get();
            Thread.sleep(1000);
            long idleSecond = callbacks.get() - before;
            assertTrue(idleSecond < 10, "read callbacks in a second with nothing new: " + idleSecond);
            assertTrue(s.inputStream().available() <= INPUT_BOUND, "held: " + s.inputStream().available());
            loop.execute(() -> {
                s.closeNow();
                server.close();
            });
        }
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void aTlsStreamAtItsLimitGoesOnWhenReadFromAPlainThread() throws Exception {
        // Reading again must read what OpenSSL holds decrypted already: the socket may stay quiet.
        io.github.evasync.tls.TestCerts certs = io.github.evasync.tls.TestCerts.get();
        int records = 70_000; // past the input limit
        int total = records * 1000;
        EventLoop loop = loops.start();
        CompletableFuture<TcpSocket> accepted = new CompletableFuture<>();
        TcpServer server = loop.submit(() -> loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> { },
                ServerOptions.defaults().tls(io.github.evasync.tls.TlsOptions.server(certs.serverCert, certs.serverKey))
                        .connectCallback(s -> {
                            s.inputStream();
                            accepted.complete(s);
                        }))).get(10, TimeUnit.SECONDS);
        javax.net.ssl.SSLContext ctx = certs.jdkClientContext();
        try (javax.net.ssl.SSLSocket peer = (javax.net.ssl.SSLSocket) ctx.getSocketFactory()
                .createSocket("127.0.0.1", server.port())) {
            peer.startHandshake();
            TcpSocket s = accepted.get(10, TimeUnit.SECONDS);
            OutputStream out = peer.getOutputStream();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                byte[] record = new byte[1000];
                try {
                    for (int i = 0; i < records; i++) {
                        out.write(record); // a TLS record each
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            InputStream in = s.inputStream();
            long full = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (in.available() < (64 << 20) && System.nanoTime() < full) {
                Thread.sleep(10); // the stream fills to its limit, and reading stops
            }
            long got = 0;
            byte[] buf = new byte[64 << 10];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (got < total && System.nanoTime() < deadline) {
                try {
                    int n = in.read(buf);
                    assertTrue(n > 0);
                    got += n;
                } catch (IOException e) {
                    assertTrue(nothingYet(e), e::toString);
                    Thread.sleep(2);
                }
            }
            assertEquals(total, got, "read from the stream (the rest waits inside OpenSSL)");
            sent.get(20, TimeUnit.SECONDS);
            loop.execute(() -> {
                s.closeNow();
                server.close();
            });
        }
        Idle.awaitIdle(loop);
        loop.close();
    }

    @Test
    void aReaderHoldingTheStreamsLockDoesNotStopTheLoopFreeingTheSocket() throws Exception {
        withPeer(true, (loop, s, peer) -> {
            InputStream in = s.inputStream();
            peer.getOutputStream().write("hello".getBytes());
            awaitAvailable(in, 5);
            java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
            loop.execute(() -> {
                try {
                    locked.await();
                    Thread.sleep(100); // the reader's read is queued behind this task
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                s.closeNow(); // frees the socket: the stream keeps what arrived
        });
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            synchronized (in) { // as code sharing one stream between threads may
                locked.countDown();
                try {
                    return in.read(new byte[8]);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
        });
        assertEquals(5, read.get(10, TimeUnit.SECONDS));
        });
    }

    @Test
    void anInterruptedBlockedWriteSaysItsBytesWereTaken() throws Exception {
        withPeer(false, (loop, s, peer) -> { // never reads
            OutputStream out = s.outputStream();
            CompletableFuture<java.io.InterruptedIOException> interrupted = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 64; i++) {
                        out.write(new byte[1 << 20]);
                    }
                    interrupted.complete(null);
                } catch (java.io.InterruptedIOException e) {
                    interrupted.complete(e);
                } catch (IOException e) {
                    interrupted.completeExceptionally(e);
                }
        });
        writer.start();
        Thread.sleep(1000);
        writer.interrupt();
        java.io.InterruptedIOException e = interrupted.get(10, TimeUnit.SECONDS);
        assertEquals(1 << 20, e.bytesTransferred, "the write's bytes are queued and go out");
        s.closeNow();
        });
    }

    @Test
    void aStreamReadWhenThePeerHasClosedGetsAllItSent() throws Exception {
        // The first limit (1 MiB) stopped reading before the end: a handler reading everything at
        // the end waited for an end that never came.
        int total = 3 << 20;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EventLoop loop = loops.start();
            CompletableFuture<Integer> atEof = new CompletableFuture<>();
            InputStream[] in = new InputStream[1];
            loop.execute(() -> loop.tcpConnect("127.0.0.1", ss.getLocalPort(), (s, d) -> { }, ev -> {
                if (ev instanceof io.github.evasync.TcpEof) {
                    try {
                        atEof.complete(in[0].available());
                    } catch (IOException e) {
                        atEof.completeExceptionally(e);
                    }
                }
            }, TcpOptions.defaults().connectCallback(s -> in[0] = s.inputStream())));
            try (Socket peer = ss.accept()) {
                peer.getOutputStream().write(new byte[total]);
                peer.shutdownOutput();
                assertEquals(total, atEof.get(10, TimeUnit.SECONDS));
            }
            Idle.awaitIdle(loop);
            loop.close();
        }
    }

    @Test
    void aFrameOfSeveralMebibytesBecomesAvailableWhole() throws Exception {
        int frame = 8 << 20;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EventLoop loop = loops.start();
            CompletableFuture<Integer> whole = new CompletableFuture<>();
            TcpSocket[] mine = new TcpSocket[1];
            loop.execute(() -> mine[0] = loop.tcpConnect("127.0.0.1", ss.getLocalPort(), (s, d) -> {
                try {
                    InputStream in = s.inputStream();
                    if (in.available() >= frame) { // the Javadoc's way: read what available() says
                        whole.complete(in.readNBytes(frame).length);
                    }
                } catch (IOException e) {
                    whole.completeExceptionally(e);
                }
            }, ev -> { }, TcpOptions.defaults().connectCallback(TcpSocket::inputStream)));
            try (Socket peer = ss.accept()) {
                peer.getOutputStream().write(new byte[frame]);
                assertEquals(frame, whole.get(10, TimeUnit.SECONDS));
                loop.execute(() -> mine[0].close());
            }
            Idle.awaitIdle(loop);
            loop.close();
        }
    }
}
