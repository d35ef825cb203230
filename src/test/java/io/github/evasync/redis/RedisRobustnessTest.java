package io.github.evasync.redis;

import io.github.evasync.Await;
import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.LoopOptions;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static io.github.evasync.redis.RedisCommandsTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closed clients, other threads and loops, throwing callbacks, closes with work in flight. */
@Timeout(120)
class RedisRobustnessTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @RegisterExtension
    static final RedisServer server = RedisServer.forTheClass();

    @Test
    void closeWithCommandsInFlightCompletesEveryFuture() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            await(redis.ready());
            List<CompletableFuture<Long>> all = loop.submit(() -> {
                List<CompletableFuture<Long>> l = new ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    l.add(redis.incr("rb:n"));
                }
                redis.close();
                return l;
            }).get(30, TimeUnit.SECONDS);
            for (CompletableFuture<Long> f : all) {
                RedisError e = failure(f);
                assertTrue(e.errmsg().contains("closed"), e.errmsg());
            }
            assertTrue(failure(redis.get("rb:n")).errmsg().contains("closed"));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aReplyCallbackThatClosesTheClientFailsTheRestOfItsPiece() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            await(redis.ready());
            List<Exception> errors = new CopyOnWriteArrayList<>();
            List<Object> replies = new CopyOnWriteArrayList<>();
            loop.submit(() -> {
                redis.command(r -> {
                    replies.add(r);
                    redis.close();
                }, errors::add, "PING");
                for (int i = 0; i < 99; i++) {
                    redis.command(replies::add, errors::add, "PING");
                }
                return null;
            }).get(30, TimeUnit.SECONDS);
            Await.until("every command answered or failed", () -> replies.size() + errors.size() == 100);
            assertEquals(List.of("PONG"), replies);
            for (Exception e : errors) {
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
            }
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void closeFromSeveralThreadsAtOnce() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            RedisSubscription sub = redis.subscribe("rb:ch", (c, m) -> { });
            List<CompletableFuture<Object>> pending = new CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    pending.add(redis.command("PING"));
                    redis.close();
                    pending.add(redis.command("PING"));
                });
                threads.add(th);
                th.start();
            }
            loop.execute(redis::close);
            go.countDown();
            for (Thread th : threads) {
                th.join(30_000);
            }
            for (Thread th : threads) {
                assertTrue(!th.isAlive(), "a thread calling command() or close() did not return");
            }
            // Every future completes (get() would time out otherwise): PONG for a command that
            // went out before the close, a RedisError saying the client closed for the rest.
            assertEquals(16, pending.size());
            int refused = 0;
            for (CompletableFuture<Object> f : pending) {
                try {
                    assertEquals("PONG", f.get(30, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    RedisError err = assertInstanceOf(RedisError.class, e.getCause());
                    assertTrue(err.errmsg().contains("closed"), err.errmsg());
                    refused++;
                }
            }
            // Each thread's second command came after its own close(): refused, whatever the order.
            assertTrue(refused >= 8, refused + " refused");
            assertTrue(redis.isClosed());
            Await.until("the subscription ends with the client", () -> !sub.isActive());
            assertTrue(failure(redis.command("PING")).errmsg().contains("closed"));
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void aThrowingCallbackGoesToItsHandlerAndTheNextRepliesStillArrive() throws Exception {
        try (EventLoop loop = loops.start(LoopOptions.defaults().catchAppErrors(true))) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            List<Exception> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Object> after = new CompletableFuture<>();
            loop.submit(() -> {
                redis.command(r -> {
                    throw new IllegalStateException("from the callback");
                }, seen::add, "PING");
                redis.command(after::complete, seen::add, "ECHO", "next");
                return null;
            }).get(30, TimeUnit.SECONDS);
            assertEquals("next", RedisCommandsTest.utf8(await(after)));
            assertEquals(1, seen.size());
            assertEquals("from the callback", seen.get(0).getMessage());
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    @Test
    void withoutCatchAppErrorsACallbacksExceptionEndsARunLoop() {
        AtomicReference<RedisClient> client = new AtomicReference<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EventLoop.run(loop -> {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            client.set(redis);
            redis.command(r -> {
                throw new IllegalStateException("escaped");
            }, null, "PING");
        }));
        assertEquals("escaped", e.getMessage());
        // The loop closed the client on its way out.
        assertTrue(client.get().isClosed());
    }

    @Test
    void anErrorThrownByACallbackEndsARunLoopEvenWhenCatchingAppErrors() {
        AssertionError e = assertThrows(AssertionError.class, () -> EventLoop.run(
                LoopOptions.defaults().catchAppErrors(true), loop -> {
                    RedisClient redis = RedisClient.connect(loop, server.uri());
                    redis.command(r -> {
                        throw new AssertionError("an Error");
                    }, ev -> { }, "PING");
                }));
        assertEquals("an Error", e.getMessage());
    }

    @Test
    void aRunLoopEndsWhenTheClientCloses() throws Exception {
        List<Object> got = new ArrayList<>();
        boolean idle = EventLoop.run(loop -> {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            redis.set("rb:run", "x").thenCompose(ok -> redis.get("rb:run")).whenComplete((v, t) -> {
                got.add(v != null ? RedisCommandsTest.utf8(v) : t);
                redis.close();
            });
        });
        assertTrue(idle);
        assertEquals(List.of("x"), got);
    }

    @Test
    void aLoopThatClosesFailsWhatIsPending() throws Exception {
        EventLoop loop = loops.start();
        RedisClient redis = RedisClient.connect(loop, server.uri());
        await(redis.ready());
        CompletableFuture<Object> blocked = redis.command("BLPOP", "rb:never", "0");
        loop.close();
        RedisError e = failure(blocked);
        assertTrue(e.errmsg().contains("event loop closed"), e.errmsg());
        assertTrue(redis.isClosed());
        assertTrue(failure(redis.command("PING")).errmsg().contains("closed"));
    }

    @Test
    void fromAnotherLoopCommandsDoNotWaitButConnectRefusesToWait() throws Exception {
        try (EventLoop loop = loops.start(); EventLoop other = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            CompletableFuture<Object> viaOther = other.submit(() -> redis.command("ECHO", "x")).get(30, TimeUnit.SECONDS);
            assertEquals("x", RedisCommandsTest.utf8(await(viaOther)));
            Exception refused = other.submit(() -> {
                try {
                    RedisClient.connect(loop, server.uri());
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            }).get(30, TimeUnit.SECONDS);
            assertTrue(refused != null && refused.getMessage().contains("submit"), String.valueOf(refused));
            redis.close();
            Idle.awaitIdle(loop);
            Idle.awaitIdle(other);
        }
    }

    @Test
    void badArgumentsAreRefusedAtTheCall() throws Exception {
        try (EventLoop loop = loops.start()) {
            RedisClient redis = RedisClient.connect(loop, server.uri());
            assertThrows(IllegalArgumentException.class, () -> redis.command(new String[0]));
            assertThrows(NullPointerException.class, () -> redis.command("SET", null, "v"));
            assertThrows(NullPointerException.class, () -> redis.set("k", (String) null));
            assertThrows(IllegalArgumentException.class, () -> redis.del());
            assertThrows(IllegalArgumentException.class, () -> SetOptions.defaults().ex(0));
            assertThrows(IllegalArgumentException.class, () -> RedisOptions.defaults().queueLimit(0));
            assertThrows(IllegalArgumentException.class, () -> RedisOptions.defaults().clientName("two words"));
            assertThrows(IllegalArgumentException.class, () -> RedisOptions.defaults().protocol(4));
            // Nothing half-encoded was left behind: the connection still works.
            assertEquals("PONG", await(redis.command("PING")));
            redis.close();
            Idle.awaitIdle(loop);
        }
    }

    /**
     * A connect queued just before the loop ends runs in its last drain, after the exit
     * callbacks that close the open clients: it must be refused, not give a client that never
     * closes and whose ready() never completes.
     */
    @Test
    void aConnectThatRunsAsTheLoopEndsIsRefused() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
            EventLoop loop = EventLoop.start();
            CountDownLatch exiting = new CountDownLatch(1);
            loop.execute(() -> {
                loop.exit();
                exiting.countDown();
                try {
                    Thread.sleep(300); // the connect below is queued meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(exiting.await(10, TimeUnit.SECONDS));
            assertThrows(io.github.evasync.internal.loop.LoopClosedException.class,
                    () -> RedisClient.connect(loop, "redis://127.0.0.1:" + silent.getLocalPort()));
            loop.close();
        }
    }
}
