package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import io.github.evasync.TestLoops;
import io.github.evasync.TlsError;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS's close_notify tells the peer the stream ended where the sender meant it to. A socket closed
 * with output still queued (closeNow, which discards it) must not send one, or a peer would take
 * a cut stream (an HTTP/1.0 body that ends with the connection, say) for a whole one: it sees a
 * {@link TlsError}, not a {@link TcpEof}. A graceful close that has sent everything still does.
 */
@Timeout(30)
class TlsAbortiveCloseTest {
    private static final int SIZE = 100_000;

    @RegisterExtension
    final TestLoops loops = new TestLoops();
    private final TestCerts certs = TestCerts.get();

    @Test
    void closeNowWithQueuedOutputIsNoCleanEnd() {
        List<Object> got = new ArrayList<>();
        long received = run(true, got);
        assertTrue(received < SIZE, "received " + received);
        assertEquals(1, got.size(), got.toString());
        assertInstanceOf(TlsError.class, got.get(0));
    }

    @Test
    void closeAfterEverythingIsSentIsACleanEnd() {
        List<Object> got = new ArrayList<>();
        long received = run(false, got);
        assertEquals(SIZE, received);
        assertEquals(1, got.size(), got.toString());
        assertInstanceOf(TcpEof.class, got.get(0));
    }

    private long run(boolean abort, List<Object> got) {
        long[] received = {0};
        EventLoop.run(loops.options(), loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, null, ev -> { },
                    ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)).connectCallback(s -> {
                        server[0].close();
                        if (abort) {
                            s.disable(false, true); // held in the queue, never sent
                            s.write(new byte[SIZE]);
                            s.closeNow();
                        } else {
                            s.write(new byte[SIZE]);
                            s.close();
                        }
                    }));
            loop.tcpConnect("localhost", server[0].port(), (c, d) -> received[0] += d.length, got::add,
                    TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca)));
            Idle.atExit(loop);
        });
        return received[0];
    }
}
