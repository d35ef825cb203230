package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class FlowControlTest {
    @Test
    void sixtyFourMebibytesToAPeerThatPausesReading() {
        long total = 64L << 20;
        int chunkSize = 64 * 1024;
        byte[] chunk = new byte[chunkSize];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        AtomicLong received = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong maxBuffered = new AtomicLong();
        AtomicInteger refusals = new AtomicInteger();
        AtomicInteger drains = new AtomicInteger();
        AtomicBoolean badByte = new AtomicBoolean();
        long high = 256 * 1024;
        TcpServer[] server = new TcpServer[1];
        EventLoop.run(loop -> {
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, data) -> {
                long at = received.get();
                for (int i = 0; i < data.length; i++) {
                    if (data[i] != (byte) ((at + i) % chunkSize)) {
                        badByte.set(true);
                    }
                }
                if (received.addAndGet(data.length) == total) {
                    s.close();
                    server[0].close();
                }
            }, ev -> { }, ServerOptions.defaults().connectCallback(s -> {
                s.disable(true, false);
                loop.delay(Duration.ofMillis(300), () -> s.enable(true, false));
            }));
            TcpSocket c = loop.tcpConnect("127.0.0.1", server[0].port(), null, ev -> server[0].close());
            c.setWriteWatermarks(64 * 1024, high);
            Runnable pump = () -> {
                while (sent.get() < total) {
                    boolean ok = c.write(chunk);
                    sent.addAndGet(chunkSize);
                    maxBuffered.accumulateAndGet(c.outputBufferLength(), Math::max);
                    if (!ok) {
                        refusals.incrementAndGet();
                        return;
                    }
                }
                c.close();
            };
            c.onDrain(() -> {
                drains.incrementAndGet();
                pump.run();
            });
            pump.run();
            Idle.atExit(loop);
        });
        assertEquals(total, received.get(), "every byte arrives");
        assertTrue(!badByte.get(), "bytes arrive in order");
        assertTrue(refusals.get() > 0, "write returned false");
        assertTrue(drains.get() > 0, "onDrain resumed the writer");
        assertTrue(maxBuffered.get() <= high + chunkSize,
                "buffer stayed under high mark + one write: " + maxBuffered.get());
    }
}
