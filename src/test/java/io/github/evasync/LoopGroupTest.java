package io.github.evasync;

import io.github.evasync.http.HttpServer;
import io.github.evasync.http.HttpServerOptions;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpServer;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several loops each binding the same port with reusePort, and the group's own rules. */
@Timeout(60)
class LoopGroupTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static final int CONNECTIONS = 64;

    @Test
    void tcpServersOnEveryLoopShareOnePortAndEachServesSome() throws Exception {
        List<AutoCloseable> servers = Collections.synchronizedList(new ArrayList<>());
        int[] port = {0};
        try (LoopGroup group = loops.startGroup(2, LoopOptions.defaults().daemon(true), loop -> {
            byte[] name = Thread.currentThread().getName().getBytes(StandardCharsets.US_ASCII);
            TcpServer s = loop.tcpServer("127.0.0.1", port[0], (sock, data) -> sock.write(name), ev -> { },
                    ServerOptions.defaults().reusePort(true));
            port[0] = s.port();
            servers.add(s);
        })) {
            assertEquals(2, group.size());
            Map<String, Integer> served = new ConcurrentHashMap<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port[0])) {
                    c.getOutputStream().write('x');
                    String who = readSome(c.getInputStream());
                    served.merge(who, 1, Integer::sum);
                }
            }
            assertEquals(2, served.size(), "both loops accepted connections: " + served);
            assertEquals(CONNECTIONS, served.values().stream().mapToInt(Integer::intValue).sum());
            closeAndAwaitIdle(group, servers);
        }
    }

    @Test
    void httpServersOnEveryLoopShareOnePort() throws Exception {
        List<AutoCloseable> servers = Collections.synchronizedList(new ArrayList<>());
        int[] port = {0};
        try (LoopGroup group = loops.startGroup(2, LoopOptions.defaults().daemon(true), loop -> {
            String name = Thread.currentThread().getName();
            HttpServer s = loop.httpServer("127.0.0.1", port[0], req -> req.respond(200, Map.of(), name), null,
                    HttpServerOptions.defaults().reusePort(true));
            port[0] = s.port();
            servers.add(s);
        })) {
            Map<String, Integer> served = new ConcurrentHashMap<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port[0])) {
                    OutputStream out = c.getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String reply = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
                    served.merge(reply.substring(reply.indexOf("\r\n\r\n") + 4), 1, Integer::sum);
                }
            }
            assertEquals(2, served.size(), "both loops answered: " + served);
            closeAndAwaitIdle(group, servers);
        }
    }

    @Test
    void aFailingSetupClosesEveryLoopAndThrowsItsException() {
        List<EventLoop> seen = Collections.synchronizedList(new ArrayList<>());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loops.startGroup(3, LoopOptions.defaults().daemon(true), loop -> {
                    seen.add(loop);
                    if (seen.size() == 2) {
                        throw new IllegalStateException("setup failed on purpose");
                    }
                }));
        assertEquals("setup failed on purpose", e.getMessage());
        assertEquals(2, seen.size(), "the third loop was never started");
        seen.forEach(loop -> assertTrue(loop.isClosed(), loop + " left running"));
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoopGroup.start(0, LoopOptions.defaults(), loop -> { }));
        assertTrue(e.getMessage().contains("count"), e.getMessage());
        // Far more loops than cores is a mistake: refused before anything starts (MAX_VALUE ran
        // out of memory sizing a list).
        for (int count : new int[] {LoopGroup.MAX_LOOPS + 1, Integer.MAX_VALUE}) {
            e = assertThrows(IllegalArgumentException.class, () -> LoopGroup.start(count, LoopOptions.defaults(), loop -> { }));
            assertTrue(e.getMessage().contains("count"), e.getMessage());
        }
        NullPointerException n = assertThrows(NullPointerException.class,
                () -> LoopGroup.start(1, LoopOptions.defaults(), null));
        assertTrue(n.getMessage().contains("setup"), n.getMessage());
    }

    private static String readSome(InputStream in) throws Exception {
        byte[] buf = new byte[128];
        int n = in.read(buf);
        assertTrue(n > 0, "no answer");
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    /** Closes the servers, then waits until every loop's counters are idle (clients' EOFs land). */
    private static void closeAndAwaitIdle(LoopGroup group, List<AutoCloseable> servers) throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
        Idle.awaitIdle(group);
    }

    @Test
    void startOnALoopsThreadIsRefusedRatherThanStallingIt() {
        EventLoop.run(loop -> {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> LoopGroup.start(1, LoopOptions.defaults(), l -> { }));
            assertTrue(e.getMessage().contains("may not wait"), e.getMessage());
        });
    }

    @Test
    void aCheckedExceptionFromASetupComesOutAsItself() {
        Exception e = assertThrows(Exception.class, () -> LoopGroup.start(2, LoopOptions.defaults(), l -> {
            throw sneaky(new java.io.IOException("setup failed"));
        }));
        assertInstanceOf(java.io.IOException.class, e);
        assertEquals("setup failed", e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
