package io.github.evasync;

import io.github.evasync.http.HttpRequestSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every future completes: a bad argument completes it exceptionally with the argument's error,
 * rather than sending an exception to the uncaught handler and leaving the future for ever.
 * The callback forms throw the same error at the call.
 */
@Timeout(60)
class FuturesCompleteTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private static final String LONG_LABEL = "a".repeat(64);
    private static final List<String> BAD_URIS = List.of(
            "http://127.0.0.1:0/", "http://127.0.0.1:99999/", "http://" + LONG_LABEL + ".test/", "ftp://x/",
            "http:///nohost", "not a uri");

    private static void assertFailsWithArgument(CompletableFuture<?> f, String what) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS), what);
        assertInstanceOf(IllegalArgumentException.class, e.getCause(), what);
    }

    @Test
    void badUrisAndHostsFailTheFutureFromAnotherThread() {
        EventLoop loop = loops.start();
        try {
            for (String uri : BAD_URIS) {
                assertFailsWithArgument(loop.http(HttpRequestSpec.get(uri)), uri);
                var e = assertThrows(IllegalArgumentException.class,
                        () -> loop.httpClient(uri, (s, h, b) -> { }, ev -> { }), uri);
                assertTrue(e.getMessage().contains("uri"), e.getMessage());
            }
            assertFailsWithArgument(loop.resolve(LONG_LABEL + ".test"), "long label");
            assertFailsWithArgument(loop.resolve(""), "empty host");
            assertFailsWithArgument(loop.resolve(null), "null host");
            Idle.awaitIdle(loop);
        } finally {
            loop.close();
        }
    }

    @Test
    void badUrisFailTheFutureOnTheLoopThread() {
        List<CompletableFuture<?>> futures = new java.util.ArrayList<>();
        EventLoop.run(loop -> {
            for (String uri : BAD_URIS) {
                futures.add(loop.http(HttpRequestSpec.get(uri)));
                assertThrows(IllegalArgumentException.class, () -> loop.httpClient(uri, (s, h, b) -> { }, null), uri);
            }
            futures.add(loop.resolve(LONG_LABEL));
            Idle.atExit(loop);
        });
        for (CompletableFuture<?> f : futures) {
            assertFailsWithArgument(f, f.toString());
        }
    }
}
