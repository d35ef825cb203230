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
 * The HTTP client's callback form completes the same way (API.md): its handler hears the error,
 * on a later turn of the loop, never inside the call.
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
                CompletableFuture<Object> heard = new CompletableFuture<>();
                loop.httpClient(uri, (s, h, b) -> heard.complete("an answer"), heard::complete);
                assertFailsWithArgument(heard.thenCompose(x -> CompletableFuture.failedFuture((Throwable) x)), uri);
                assertTrue(heard.join().toString().contains("uri"), heard.join().toString());
            }
            ExecutionException npe = assertThrows(ExecutionException.class, () -> loop.http(null).get(10, TimeUnit.SECONDS));
            assertInstanceOf(NullPointerException.class, npe.getCause());
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
                CompletableFuture<Object> heard = new CompletableFuture<>();
                loop.httpClient(uri, (s, h, b) -> heard.complete("an answer"), heard::complete);
                assertTrue(!heard.isDone(), "the handler ran inside the call: " + uri);
                futures.add(heard.thenCompose(x -> CompletableFuture.failedFuture((Throwable) x)));
            }
            futures.add(loop.resolve(LONG_LABEL));
            Idle.atExit(loop);
        });
        for (CompletableFuture<?> f : futures) {
            assertFailsWithArgument(f, f.toString());
        }
    }

    @Test
    void aBadUriWithNoHandlerEndsTheRunLikeAnyUnhandledError() {
        // The default handler rethrows what is not a mere ConnectionInfo: run() ends with it.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EventLoop.run(loop -> loop.httpClient("ftp://x/", (s, h, b) -> { }, null)));
        assertTrue(e.getMessage().contains("uri"), e.getMessage());
    }
}
