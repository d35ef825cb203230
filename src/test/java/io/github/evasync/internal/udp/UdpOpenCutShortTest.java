package io.github.evasync.internal.udp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import io.github.evasync.udp.UdpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A socket whose making is cut short after it opened (an overflow or out-of-memory in the last
 * steps of the constructor) is freed at once: nobody holds it, so nothing else ever could, and
 * the loop would count it and keep running for ever.
 */
@Timeout(30)
class UdpOpenCutShortTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void aSocketCutShortAfterItOpenedIsFreed() throws Exception {
        try (EventLoop loop = loops.start()) {
            IllegalStateException cut = new IllegalStateException("cut short");
            UdpSocketImpl.afterOpenForTests = () -> {
                throw cut;
            };
            try {
                assertSame(cut, assertThrows(IllegalStateException.class,
                        () -> loop.udpSocket("127.0.0.1", 0, null, null)));
            } finally {
                UdpSocketImpl.afterOpenForTests = null;
            }
            assertEquals(0, loop.stats().openUdpSockets(), loop.stats().toString());
            Idle.assertIdle(loop);
            // The loop goes on making sockets.
            UdpSocket s = loop.udpSocket("127.0.0.1", 0, null, null);
            assertEquals(1, loop.stats().openUdpSockets());
            s.close();
            Idle.assertIdle(loop);
        }
    }
}
