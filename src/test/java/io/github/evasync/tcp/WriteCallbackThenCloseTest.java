package io.github.evasync.tcp;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * write(data, callback) then close() in the same turn: close() sends what is buffered first, and
 * a write that had to be buffered gets its callback as it flushes. A small write that went
 * straight to the kernel (nothing buffered) had its callback put off to the next turn, where it
 * is skipped because close() freed the socket at once: the callback is lost though the bytes
 * reached the kernel (the peer reads them).
 */
@Timeout(30)
class WriteCallbackThenCloseTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void aWriteCallbackRunsWhenTheSocketIsClosedRightAfterTheWrite() throws Exception {
        EventLoop loop = loops.start();
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        TcpServer server = loop.submit(() -> loop.tcpServer("127.0.0.1", 0, (s, d) -> { }, e -> { },
                ServerOptions.defaults().connectCallback(s -> {
                    s.write("bye\n", x -> written.complete(true));
                    s.close();
                }))).get();
        try (Socket c = new Socket("127.0.0.1", server.port())) {
            c.setSoTimeout(10_000);
            assertEquals("bye\n", new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII),
                    "the bytes reached the peer");
        }
        assertEquals(Boolean.TRUE, written.get(5, TimeUnit.SECONDS), "the write callback ran");
        server.close();
        Idle.awaitIdle(loop);
        loop.close();
    }
}
