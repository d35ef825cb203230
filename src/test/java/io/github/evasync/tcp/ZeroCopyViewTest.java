package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zero-copy view handed by {@link ReadCallback#ofBuffer} ends the moment the memory under
 * it is drained, freed, re-routed or may be reused, by any path: reading it then throws, never
 * returns other allocations' bytes (which is what it did when it viewed libevent's buffer, and
 * with small mmap thresholds crashed the JVM).
 */
@Timeout(30)
class ZeroCopyViewTest {
    private static final String MESSAGE = "zero-copy view under test";

    /** Sends MESSAGE to a server whose zero-copy callback runs {@code inCallback} on the view. */
    private static List<String> serve(BiConsumer<TcpSocket, ByteBuffer> inCallback) {
        List<String> outcomes = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, ReadCallback.ofBuffer((s, view) -> {
                byte[] first = new byte[view.remaining()];
                view.duplicate().get(first);
                outcomes.add(new String(first, StandardCharsets.UTF_8));
                try {
                    inCallback.accept(s, view);
                    outcomes.add("no exception");
                } catch (IllegalStateException e) {
                    outcomes.add("ended");
                } finally {
                    s.closeNow();
                    server[0].close();
                }
            }), ev -> { });
            loop.tcpConnect("127.0.0.1", server[0].port(), null, ev -> { },
                    TcpOptions.defaults().data(MESSAGE));
            Idle.atExit(loop);
        });
        return outcomes;
    }

    private static void touch(ByteBuffer view) {
        byte[] again = new byte[view.remaining()];
        view.duplicate().get(again);
    }

    @Test
    void viewEndsWhenTheCallbackAsksForTheInputStream() {
        List<String> out = serve((s, view) -> {
            try {
                InputStream in = s.inputStream();
                // A plain socket's bytes were read for the view, as they are for a byte array:
                // the stream starts after them.
                assertEquals(0, in.available());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            touch(view);
        });
        assertEquals(List.of(MESSAGE, "ended"), out);
    }

    @Test
    void viewEndsOnCloseNowCloseAndDisable() {
        assertEquals(List.of(MESSAGE, "ended"), serve((s, view) -> {
            s.closeNow();
            touch(view);
        }));
        assertEquals(List.of(MESSAGE, "ended"), serve((s, view) -> {
            s.close();
            touch(view);
        }));
        assertEquals(List.of(MESSAGE, "ended"), serve((s, view) -> {
            s.disable(true, false);
            touch(view);
        }));
    }

    @Test
    void viewStaysWholeWhileNothingMovesItAndEndsWhenTheCallReturns() {
        ByteBuffer[] kept = new ByteBuffer[1];
        List<String> out = serve((s, view) -> {
            s.write("reply"); // writing does not touch the input buffer
            s.disable(false, true);
            touch(view);
            kept[0] = view;
        });
        assertEquals(List.of(MESSAGE, "no exception"), out);
        assertThrows(IllegalStateException.class, () -> touch(kept[0]));
        assertTrue(kept[0].isReadOnly());
    }
}
