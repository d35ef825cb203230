package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A socket's input stream never invents a byte and never waits: a read with nothing arrived
 * throws, so {@code DataInputStream.readInt()} on half an int fails instead of spinning the
 * loop thread for ever (it used to read 0 for "nothing", the same as a real 0x00 byte).
 */
@Timeout(30)
class InputStreamTest {
    @Test
    void readsWhatArrivedThrowsWhenNothingHasAndEndsWithMinusOne() {
        List<String> seen = new ArrayList<>();
        InputStream[] stream = new InputStream[1];
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> {
                s.write(new byte[]{0, 7}); // half an int, starting with a real zero byte
                s.close();
            }, ev -> { });
            loop.tcpConnect("127.0.0.1", server.port(), (s, empty) -> {
                InputStream in = s.inputStream();
                try {
                    if (in.available() < 2) {
                        seen.add("partial " + in.available());
                        return; // the callback comes again when more arrives
                    }
                    DataInputStream data = new DataInputStream(in);
                    IOException e = assertThrows(IOException.class, data::readInt);
                    seen.add("readInt: " + e.getClass().getSimpleName());
                    assertThrows(IOException.class, in::read);
                    seen.add("read() throws");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }, ev -> {
                if (ev instanceof io.github.evasync.TcpEof eof) {
                    try {
                        // After the end: nothing is left, and reading says so with -1.
                        seen.add("after eof " + stream[0].read());
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    server.close();
                }
            }, TcpOptions.defaults().data("go").connectCallback(s -> stream[0] = s.inputStream()));
            Idle.atExit(loop);
        });
        // readInt took the 0x00 and 0x07 and then found nothing more: no byte was invented.
        assertEquals("readInt: NothingArrived", seen.get(seen.size() - 3));
        assertEquals("read() throws", seen.get(seen.size() - 2));
        assertEquals("after eof -1", seen.get(seen.size() - 1));
    }

    @Test
    void aZeroByteIsAZero() {
        int[] got = {-2, -2};
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(new byte[]{0, (byte) 0xff}), ev -> { });
            loop.tcpConnect("127.0.0.1", server.port(), (s, empty) -> {
                InputStream in = s.inputStream();
                try {
                    if (in.available() == 2) {
                        got[0] = in.read();
                        got[1] = in.read();
                        s.close();
                        server.close();
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }, ev -> { }, TcpOptions.defaults().data("go").connectCallback(TcpSocket::inputStream));
            Idle.atExit(loop);
        });
        assertEquals(0, got[0]);
        assertEquals(0xff, got[1]);
    }

    /**
     * After close() what arrived stays readable from the stream, and skip() consumes it like a
     * read: it said it skipped bytes that the next read then returned.
     */
    @Test
    void skipAfterCloseConsumesWhatArrived() {
        List<String> seen = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer server = loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, ev -> { },
                    ServerOptions.defaults().connectCallback(s -> {
                        s.write("hello");
                        s.close();
                    }));
            loop.tcpConnect("127.0.0.1", server.port(), (s, empty) -> {
                InputStream in = s.inputStream();
                try {
                    if (in.available() < 5) {
                        return;
                    }
                    s.close();
                    seen.add("skip " + in.skip(2));
                    seen.add("read " + (char) in.read());
                    seen.add("skip " + in.skip(10));
                    seen.add("read " + in.read());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                server.close();
            }, ev -> { }, TcpOptions.defaults().connectCallback(TcpSocket::inputStream)); // stream mode from the start
            Idle.atExit(loop);
        });
        assertEquals(List.of("skip 2", "read l", "skip 2", "read -1"), seen);
    }
}
