package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connect to a host name starts its lookup on the turn after {@code tcpConnect}. What the
 * caller does in the same turn still counts: bytes written and then {@code close()} (which waits
 * for the output to drain) must be connected and delivered, not dropped with the socket.
 */
@Timeout(60)
class ConnectByNameTest {
    @Test
    void writtenThenClosedInTheSameTurnArrives() {
        StringBuilder got = new StringBuilder();
        List<Exception> serverEvents = new ArrayList<>();
        List<Exception> clientEvents = new ArrayList<>();
        EventLoop.run(loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, data) -> got.append(new String(data, StandardCharsets.UTF_8)),
                    ev -> {
                        serverEvents.add(ev);
                        server[0].close();
                    });
            TcpSocket c = loop.tcpConnect("localhost", server[0].port(), (s, data) -> { }, clientEvents::add,
                    TcpOptions.defaults().data("before the lookup, "));
            c.write("and after it");
            c.close();
            Idle.atExit(loop);
        });
        assertEquals("before the lookup, and after it", got.toString());
        assertEquals(1, serverEvents.size(), "the server's socket sees the client's close: " + serverEvents);
        assertTrue(serverEvents.get(0) instanceof TcpEof);
        assertEquals(List.of(), clientEvents);
    }
}
