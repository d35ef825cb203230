package io.github.evasync;

import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conditions are a sealed hierarchy: a {@code switch} over what an {@link EventHandler}
 * receives can name each kind and have no {@code default} (this class would not compile
 * otherwise), and every class in it is sealed, final, or abstract and sealed.
 */
@Timeout(30)
class SealedConditionsTest {
    /** No default branch: the compiler checks that every kind of condition is named. */
    static String kind(ConnectionInfo condition) {
        return switch (condition) {
            case TcpEof eof -> "eof";
            case SocketClosed closed -> "closed";
            case TcpTimeout timeout -> "tcp timeout";
            case TcpRefused refused -> "refused";
            case TcpAcceptError accept -> "accept";
            case TcpServerBindError bind -> "bind";
            case TlsError tls -> "tls";
            case TcpError other -> "tcp error";
            case DnsError dns -> "dns";
            case HttpTimeout timeout -> "http timeout";
            case HttpRefused refused -> "http refused";
            case HttpError other -> "http error";
            case UdpError udp -> "udp";
            case RedisError redis -> "redis";
        };
    }

    @Test
    void eachConditionFindsItsBranch() {
        TcpSocket none = null;
        assertEquals("eof", kind(new TcpEof(none)));
        assertEquals("tcp timeout", kind(new TcpTimeout(none, -1, "idle")));
        assertEquals("refused", kind(new TcpRefused(none, 111, "Connection refused")));
        assertEquals("tcp error", kind(new TcpError(none, 104, "Connection reset by peer")));
        assertEquals("tls", kind(new TlsError(none, 0x0A000086, "error:0A000086:SSL routines::certificate verify failed")));
        assertEquals("dns", kind(new DnsError("example.invalid", 3, "name not found")));
        assertEquals("http timeout", kind(new HttpTimeout(-1, "slow")));
        assertEquals("http error", kind(new HttpError(-1, "bad")));
        assertEquals("udp", kind(new UdpError(null, null, 111, "Connection refused")));
        assertEquals("redis", kind(new RedisError(-1, "ERR unknown command", true)));
    }

    @Test
    void aRealConditionGoesThroughTheSwitch() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        EventLoop.run(loop -> loop.tcpConnect("127.0.0.1", 1, (s, data) -> { }, ev -> {
            if (ev instanceof ConnectionInfo c) {
                seen.complete(kind(c));
            }
        }));
        // Nothing listens on port 1 of the loopback: refused (or a plain error on odd systems).
        String k = seen.get(10, TimeUnit.SECONDS);
        assertTrue(k.equals("refused") || k.equals("tcp error"), k);
    }

    @Test
    void everyConditionClassIsSealedOrFinal() {
        List<Class<?>> unsealed = new ArrayList<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(ConnectionInfo.class, TcpInfo.class, HttpInfo.class));
        int seen = 0;
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            seen++;
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            } else if (!Modifier.isFinal(c.getModifiers())) {
                unsealed.add(c);
            }
        }
        assertTrue(unsealed.isEmpty(), "open to subclasses: " + unsealed);
        assertTrue(Modifier.isAbstract(ConnectionInfo.class.getModifiers()));
        assertTrue(Modifier.isAbstract(ConnectionError.class.getModifiers()));
        assertTrue(seen >= 14, "walked " + seen);
    }
}
