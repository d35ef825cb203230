package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import io.github.evasync.TcpTimeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A socket read through {@link ReadCallback#ofBuffer} is read the way a byte-array one is: one
 * {@code recv} of up to 64 KiB per wakeup, here into the loop's native buffer, not through
 * libevent's input buffer (4 KiB per callback, after a FIONREAD ioctl). These check the
 * bytes, their order, and the socket's conditions and controls on that path.
 */
@Timeout(120)
class ZeroCopyReadTest {
    private static final int ECONNRESET = 104;

    @TempDir
    Path dir;

    private static byte[] bytes(ByteBuffer view) {
        byte[] b = new byte[view.remaining()];
        view.get(b);
        return b;
    }

    /** Runs {@code client} against a loop whose server reads through {@code read}; both must end. */
    private static void serve(ReadCallback read, java.util.function.Consumer<TcpServer> onServer,
                              java.util.function.IntConsumer client) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> client.accept(port.join()));
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, read, ev -> { });
            onServer.accept(server);
            port.complete(server.port());
            Idle.atExit(loop);
        });
        peer.join();
    }

    @Test
    void fortyEightKibibyteMessagesComeInAboutOneCallbackEach() {
        int messages = 40;
        int size = 48 * 1024;
        byte[] payload = new byte[size];
        new Random(7).nextBytes(payload);
        int[] callbacks = {0};
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        TcpServer[] server = new TcpServer[1];
        serve(ReadCallback.ofBuffer((s, view) -> {
            callbacks[0]++;
            got.writeBytes(bytes(view));
            if (got.size() % size == 0) {
                s.write(new byte[] {'k'});
            }
            if (got.size() == messages * size) {
                s.close();
                server[0].close();
            }
        }), s -> server[0] = s, port -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                for (int i = 0; i < messages; i++) {
                    s.getOutputStream().write(payload);
                    assertEquals('k', s.getInputStream().read(), "acknowledgement " + i);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] all = got.toByteArray();
        assertEquals(messages * size, all.length);
        for (int i = 0; i < messages; i++) {
            assertArrayEquals(payload, java.util.Arrays.copyOfRange(all, i * size, (i + 1) * size), "message " + i);
        }
        // libevent's input buffer takes twelve callbacks per message, 4 KiB each; one recv of up to
        // 64 KiB takes one, two when the kernel split a message in flight.
        assertTrue(callbacks[0] <= 2 * messages, callbacks[0] + " read callbacks for " + messages + " messages");
    }

    @Test
    void sixtyFourMebibytesArriveByteExact() {
        long total = 64L << 20;
        CRC32 received = new CRC32();
        long[] count = {0};
        long[] sent = new long[1];
        TcpServer[] server = new TcpServer[1];
        serve(ReadCallback.ofBuffer((s, view) -> {
            count[0] += view.remaining();
            received.update(view);
            if (count[0] >= total) {
                s.close();
                server[0].close();
            }
        }), s -> server[0] = s, port -> {
            byte[] block = new byte[1 << 20];
            new Random(11).nextBytes(block);
            CRC32 crc = new CRC32();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < total / block.length; i++) {
                    block[i % block.length] ^= (byte) (i + 1); // every block differs: a reordering shows
                    crc.update(block);
                    out.write(block);
                }
                sent[0] = crc.getValue();
                assertEquals(-1, s.getInputStream().read(), "the server closes once it has all");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(total, count[0]);
        assertEquals(sent[0], received.getValue(), "checksum of the bytes received");
    }

    @Test
    void theEndOfStreamComesAfterTheData() {
        List<String> events = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, null, ev -> { },
                    ServerOptions.defaults().connectCallback(s -> {
                        s.write("bye");
                        s.close();
                    }));
            loop.tcpConnect("127.0.0.1", server.port(), ReadCallback.ofBuffer((s, view) ->
                    events.add("read " + StandardCharsets.UTF_8.decode(view))), ev -> {
                        events.add(ev.getClass().getSimpleName());
                        server.close();
                    });
            Idle.atExit(loop);
        });
        assertEquals(List.of("read bye", "TcpEof"), events);
    }

    @Test
    void aResetAfterTheDataIsAnErrorAfterIt() {
        byte[] payload = new byte[4096];
        new Random(3).nextBytes(payload);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        List<Exception> events = new ArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            try {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port.join());
                s.getOutputStream().write(payload);
                s.setSoLinger(true, 0);
                s.close(); // linger 0: a reset, right behind the data
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, view) -> got.writeBytes(bytes(view))),
                    ev -> {
                        events.add(ev);
                        server[0].close();
                    });
            port.complete(server[0].port());
            Idle.atExit(loop);
        });
        client.join();
        assertArrayEquals(payload, got.toByteArray());
        assertEquals(1, events.size(), events.toString());
        TcpError e = assertInstanceOf(TcpError.class, events.get(0));
        assertEquals(ECONNRESET, e.errcode(), e.toString());
    }

    @Test
    void theReadTimeoutRestartsWithEveryReadAndFiresOnceDataStops() {
        StringBuilder got = new StringBuilder();
        List<String> events = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, view) ->
                    got.append(StandardCharsets.UTF_8.decode(view))), ev -> {
                        events.add(ev.getClass().getSimpleName() + " after " + got);
                        server[0].close();
                    }, ServerOptions.defaults().connectCallback(s -> s.setTimeouts(Duration.ofMillis(600), null)));
            // 700 ms of data 350 ms apart: only a timeout that every read restarts lets it all
            // through (a gap may stretch by 250 ms on a loaded machine); then the client waits,
            // the server's timeout closes, and the client sees the end.
            TcpSocket c = loop.tcpConnect("127.0.0.1", server[0].port(), null,
                    ev -> events.add("client " + ev.getClass().getSimpleName()), TcpOptions.defaults().data("a"));
            loop.delay(Duration.ofMillis(350), () -> c.write("b"));
            loop.delay(Duration.ofMillis(700), () -> c.write("c"));
            Idle.atExit(loop);
        });
        assertEquals(List.of(TcpTimeout.class.getSimpleName() + " after abc", "client " + TcpEof.class.getSimpleName()),
                events);
    }

    @Test
    void readingPausedAndResumedLosesNothing() {
        StringBuilder got = new StringBuilder();
        List<String> events = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, view) -> {
                got.append(StandardCharsets.UTF_8.decode(view));
                if (got.length() == 1) {
                    s.disable(true, false);
                    loop.delay(Duration.ofMillis(100), () -> {
                        events.add("resumed with " + got);
                        s.enable(true, false);
                    });
                }
                if (got.toString().equals("abc")) {
                    s.close();
                    server[0].close();
                }
            }), ev -> { });
            TcpSocket c = loop.tcpConnect("127.0.0.1", server[0].port(), null, ev -> { },
                    TcpOptions.defaults().data("a"));
            loop.delay(Duration.ofMillis(30), () -> c.write("bc"));
            Idle.atExit(loop);
        });
        assertEquals(List.of("resumed with a"), events);
        assertEquals("abc", got.toString());
    }

    @Test
    void aUnixSocketReadsTheSameWay() {
        Path path = dir.resolve("zc.sock");
        byte[] payload = new byte[300_000];
        new Random(5).nextBytes(payload);
        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        EventLoop.run(loop -> {
            TcpServer server = loop.unixServer(path, ReadCallback.ofBuffer((s, view) -> s.write(view)), ev -> { });
            loop.unixConnect(path, ReadCallback.ofBuffer((s, view) -> {
                echoed.writeBytes(bytes(view));
                if (echoed.size() == payload.length) {
                    s.close();
                    server.close();
                }
            }), ev -> { }, TcpOptions.defaults().data(payload));
            Idle.atExit(loop);
        });
        assertArrayEquals(payload, echoed.toByteArray());
    }
}
