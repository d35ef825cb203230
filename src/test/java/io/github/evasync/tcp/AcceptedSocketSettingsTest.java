package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpTimeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accepted socket gets its libevent buffer only when output has to wait: settings made
 * before that (watermarks, a write timeout, writing disabled) must hold once it exists.
 */
@Timeout(60)
class AcceptedSocketSettingsTest {
    @Test
    void watermarksAndWriteTimeoutSetBeforeAnyOutputApplyWhenOutputWaits() {
        byte[] chunk = new byte[64 * 1024];
        AtomicBoolean refused = new AtomicBoolean();
        AtomicLong buffered = new AtomicLong();
        AtomicReference<Throwable> condition = new AtomicReference<>();
        TcpServer[] server = new TcpServer[1];
        TcpSocket[] client = new TcpSocket[1];
        EventLoop.run(loop -> {
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, data) -> { }, ev -> {
                condition.set(ev);
                client[0].close();
                server[0].close();
            }, ServerOptions.defaults().connectCallback(s -> {
                s.setWriteWatermarks(1024, 4096);
                s.setTimeouts(null, Duration.ofMillis(300));
                // The client never reads: the kernel's buffers fill, then ours.
                for (int i = 0; i < 1024 && s.write(chunk); i++) {
                    // keep writing until the high watermark refuses
                }
                refused.set(s.outputBufferLength() > 4096);
                buffered.set(s.outputBufferLength());
            }));
            client[0] = loop.tcpConnect("127.0.0.1", server[0].port(), null, ev -> { });
            client[0].disable(true, false);
            Idle.atExit(loop);
        });
        assertTrue(refused.get(), "write returned false above the high watermark: " + buffered.get() + " queued");
        assertTrue(condition.get() instanceof TcpTimeout, "the write timeout fired: " + condition.get());
    }

    @Test
    void outputWrittenWhileWritingIsDisabledWaitsForEnable() {
        StringBuilder got = new StringBuilder();
        AtomicBoolean early = new AtomicBoolean();
        TcpServer[] server = new TcpServer[1];
        EventLoop.run(loop -> {
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, data) -> { }, ev -> { },
                    ServerOptions.defaults().connectCallback(s -> {
                        s.disable(false, true);
                        s.write("held back");
                        loop.delay(Duration.ofMillis(200), () -> s.enable(false, true));
                    }));
            long start = System.nanoTime();
            loop.tcpConnect("127.0.0.1", server[0].port(), (c, data) -> {
                if (System.nanoTime() - start < Duration.ofMillis(150).toNanos()) {
                    early.set(true);
                }
                got.append(new String(data, StandardCharsets.UTF_8));
                if (got.length() == "held back".length()) {
                    c.close();
                    server[0].close();
                }
            }, ev -> { });
            Idle.atExit(loop);
        });
        assertEquals("held back", got.toString());
        assertFalse(early.get(), "nothing arrived while writing was disabled");
    }
}
