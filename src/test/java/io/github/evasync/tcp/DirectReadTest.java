package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import io.github.evasync.TcpError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libevent 2.1 reads at most 4 KiB per wakeup, after a FIONREAD ioctl; evasync reads byte-array
 * sockets itself, up to 64 KiB per recv.
 * These check that the bytes, their order and the socket's conditions are what they would be
 * without that.
 */
@Timeout(60)
class DirectReadTest {
    private static final int ECONNRESET = 104;

    @Test
    void sixteenKibibyteMessagesComeInAboutOneCallbackEach() throws Exception {
        int messages = 50;
        int size = 16 * 1024;
        byte[] payload = new byte[size];
        new Random(7).nextBytes(payload);
        int[] callbacks = {0};
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port.join())) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int i = 0; i < messages; i++) {
                    out.write(payload);
                    assertEquals('k', in.read(), "acknowledgement " + i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, data) -> {
                callbacks[0]++;
                got.writeBytes(data);
                if (got.size() % size == 0) {
                    s.write(new byte[] {'k'});
                }
            }, ev -> { });
            port.complete(server.port());
            loop.delay(java.time.Duration.ofMillis(20), new Runnable() {
                @Override
                public void run() {
                    if (client.isDone()) {
                        server.close();
                    } else {
                        loop.delay(java.time.Duration.ofMillis(20), this);
                    }
                }
            });
            Idle.atExit(loop);
        });
        client.join();
        byte[] all = got.toByteArray();
        assertEquals(messages * size, all.length);
        for (int i = 0; i < messages; i++) {
            assertArrayEquals(payload, Arrays.copyOfRange(all, i * size, (i + 1) * size), "message " + i);
        }
        // Four 4 KiB reads per message without reading ahead; at most two with it (a message
        // the kernel split in flight), about one in practice.
        assertTrue(callbacks[0] <= 2 * messages, callbacks[0] + " read callbacks for " + messages + " messages");
    }

    @Test
    void aResetRightAfterFourKibibytesIsAnErrorAfterTheData() throws Exception {
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
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, data) -> got.writeBytes(data), ev -> {
                events.add(ev);
                server[0].close();
            });
            port.complete(server[0].port());
            Idle.atExit(loop);
        });
        client.join();
        assertArrayEquals(payload, got.toByteArray());
        assertEquals(1, events.size(), events.toString());
        assertTrue(!(events.get(0) instanceof TcpEof), "a reset is not an end of stream: " + events);
        TcpError e = assertInstanceOf(TcpError.class, events.get(0));
        assertEquals(ECONNRESET, e.errcode(), e.toString());
    }

    @Test
    void theReadTimeoutRestartsWithEveryReadAndFiresOnceDataStops() throws Exception {
        List<Exception> events = new ArrayList<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long[] lastData = {0};
        long[] timedOutAt = {0};
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port.join())) {
                // 10 bytes 100 ms apart span 900 ms, longer than the 600 ms timeout: only a timeout
                // that restarts with every read lets them all through, and a gap may stretch to
                // 500 ms on a loaded machine before the test breaks.
                for (int i = 0; i < 10; i++) {
                    s.getOutputStream().write('x');
                    Thread.sleep(100);
                }
                s.getInputStream().read(); // until the server gives up on us and closes
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, data) -> {
                got.writeBytes(data);
                lastData[0] = System.nanoTime();
            }, ev -> {
                timedOutAt[0] = System.nanoTime();
                events.add(ev);
                server[0].close();
            }, ServerOptions.defaults().connectCallback(s -> s.setTimeouts(java.time.Duration.ofMillis(600), null)));
            port.complete(server[0].port());
            Idle.atExit(loop);
        });
        client.join();
        assertEquals(10, got.size(), "every byte arrived before the timeout");
        assertEquals(1, events.size(), events.toString());
        assertInstanceOf(io.github.evasync.TcpTimeout.class, events.get(0));
        // libevent arms the timeout from the turn's cached time, which the callback's own clock
        // read follows by however long the turn took to reach it (a GC pause or a preempted
        // thread on a loaded machine): the 150 ms of slack is for that, not for the timer.
        long quiet = (timedOutAt[0] - lastData[0]) / 1_000_000;
        assertTrue(quiet >= 450, "timed out early, " + quiet + " ms after the last data");
    }
}
