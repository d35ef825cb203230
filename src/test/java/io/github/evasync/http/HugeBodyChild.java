package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@code HttpClientHostileServerTest}: a server thread sends an endless
 * close-delimited body to a client whose maxResponseBytes is larger than the child's heap, and
 * the child prints how the call ended and how many errors reached the loop's uncaught handler.
 */
public final class HugeBodyChild {
    private HugeBodyChild() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    while (in.read() != '\n' || in.available() > 0) {
                        // the request, whatever it is
                    }
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] junk = new byte[1 << 20];
                    for (int i = 0; i < 4096; i++) { // at most 4 GiB, then it stops by itself
                        out.write(junk);
                    }
                } catch (Exception gone) {
                    // the client closed
                }
            });
            AtomicInteger uncaught = new AtomicInteger();
            LoopOptions options = LoopOptions.defaults().uncaughtHandler(t -> uncaught.incrementAndGet());
            try (EventLoop loop = EventLoop.start(options)) {
                try {
                    loop.http(new HttpRequestSpec("http://127.0.0.1:" + server.getLocalPort() + "/",
                            HttpClientOptions.defaults().timeout(Duration.ofSeconds(40)).maxResponseBytes(Long.MAX_VALUE)))
                            .get(50, TimeUnit.SECONDS);
                    System.out.println("a response");
                } catch (ExecutionException e) {
                    System.out.println(e.getCause());
                }
                System.out.println("uncaught " + uncaught.get());
            }
        }
    }
}
