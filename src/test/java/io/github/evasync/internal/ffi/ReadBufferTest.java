package io.github.evasync.internal.ffi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's zero-copy read buffer on its own: at most one view out, ended by every path that may reuse the memory. */
@Timeout(60)
class ReadBufferTest {
    private static final int EBADF = 9;
    private static final Object SOCKET = new Object();
    private static final Object OTHER = new Object();

    @Test
    void aViewIsReadOnlyExactlyAsLongAsAskedAndEndsWithTheNextView() {
        ReadBuffer b = new ReadBuffer();
        try {
            ByteBuffer first = b.view(10, SOCKET);
            assertTrue(first.isReadOnly());
            assertEquals(10, first.remaining());
            assertEquals(0, first.get(9));
            ByteBuffer second = b.view(ReadBuffer.SIZE, SOCKET);
            assertThrows(IllegalStateException.class, () -> first.get(0));
            assertEquals(ReadBuffer.SIZE, second.remaining());
        } finally {
            b.free();
        }
    }

    @Test
    void aRecvEndsTheViewOutBeforeItReads() {
        ReadBuffer b = new ReadBuffer();
        try (Arena arena = Arena.ofConfined()) {
            Scratch scratch = new Scratch(arena);
            ByteBuffer v = b.view(4, SOCKET);
            assertEquals(-EBADF, b.recv(scratch, -1), "minus errno");
            assertThrows(IllegalStateException.class, () -> v.get(0));
            assertEquals(0, scratch.mark(), "the scratch is given back");
        } finally {
            b.free();
        }
    }

    @Test
    void onlyTheHolderEndsItsViewEarly() {
        ReadBuffer b = new ReadBuffer();
        try {
            ByteBuffer v = b.view(4, SOCKET);
            b.endView(OTHER);
            assertEquals(0, v.get(0), "another socket's disable leaves the view alone");
            b.endView(SOCKET);
            assertThrows(IllegalStateException.class, () -> v.get(0));
            b.endView(SOCKET); // nothing out: nothing to do
            b.endView();
        } finally {
            b.free();
        }
    }

    @Test
    void freeingEndsTheViewAndRefusesEveryLaterUse() {
        ReadBuffer b = new ReadBuffer();
        ByteBuffer v = b.view(4, SOCKET);
        b.free();
        b.free(); // once
        assertThrows(IllegalStateException.class, () -> v.get(0));
        assertThrows(IllegalStateException.class, () -> b.view(4, SOCKET));
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalStateException.class, () -> b.recv(new Scratch(arena), -1));
        }
    }
}
