package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EventTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void secondFreeIsNoOpAndAddAfterFreeThrows() {
        EventLoop.run(loop -> {
            Event e = loop.makeEvent(() -> { });
            e.add(Duration.ofSeconds(5));
            assertTrue(e.isPending());
            assertEquals(1, loop.stats().pendingEvents());
            e.free();
            e.free();
            assertTrue(e.isFreed());
            assertThrows(EventFreed.class, () -> e.add(null));
            assertThrows(EventFreed.class, e::activate);
            assertThrows(EventFreed.class, e::remove);
            Idle.assertIdle(loop);
        });
    }

    @Test
    void makeEventFiresOnlyWhenAddedOrActivated() {
        AtomicInteger fired = new AtomicInteger();
        EventLoop.run(loop -> {
            Event e = loop.makeEvent(fired::incrementAndGet);
            // Each step schedules the next, so every wait is measured from the step before it.
            loop.delay(Duration.ofMillis(50), () -> {
                assertEquals(0, fired.get());
                e.activate();
                loop.delay(Duration.ofMillis(50), () -> {
                    assertEquals(1, fired.get());
                    e.add(Duration.ofMillis(10));
                    loop.delay(Duration.ofMillis(100), () -> {
                        assertEquals(2, fired.get());
                        assertFalse(e.isFreed(), "a made event lives until freed");
                        e.add(Duration.ofMillis(10));
                        assertTrue(e.remove());
                        assertFalse(e.remove());
                        e.free();
                    });
                });
            });
            Idle.atExit(loop);
        });
        assertEquals(2, fired.get());
    }

    @Test
    void makeEventActivatedFromAnotherThreadFiresOnce() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        try (EventLoop loop = loops.start()) {
            Event e = loop.makeEvent(() -> {
                fired.incrementAndGet();
                done.countDown();
            });
            Thread t = new Thread(e::activate);
            t.start();
            t.join();
            assertTrue(done.await(5, TimeUnit.SECONDS));
            Thread.sleep(100);
            assertEquals(1, fired.get());
            assertEquals(0, loop.stats().pendingEvents());
            e.free();
            e.free();
            Idle.assertIdle(loop);
        }
    }

    @Test
    void freeFromInsideItsOwnCallback() {
        AtomicInteger fired = new AtomicInteger();
        EventLoop.run(loop -> {
            Event[] iv = new Event[1];
            iv[0] = loop.interval(Duration.ofMillis(5), () -> {
                fired.incrementAndGet();
                iv[0].free();
            });
            Idle.atExit(loop);
        });
        assertEquals(1, fired.get());
    }

    @Test
    void watchFdSeesReadsAndTimeouts() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()));
            try (Socket accepted = ss.accept()) {
                int fd = FdOf.socket(accepted);
                AtomicInteger reads = new AtomicInteger();
                AtomicInteger timeouts = new AtomicInteger();
                EventLoop.run(loop -> {
                    Event[] w = new Event[1];
                    w[0] = loop.watchFd(fd, () -> {
                        reads.incrementAndGet();
                        try {
                            byte[] buf = new byte[16];
                            accepted.getInputStream().read(buf);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                        w[0].free();
                    }, null, () -> {
                        // The peer writes only once the watch has timed out twice.
                        if (timeouts.incrementAndGet() == 2) {
                            try {
                                client.getOutputStream().write("hi".getBytes());
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        }
                    }, Duration.ofMillis(40));
                    Idle.atExit(loop);
                });
                assertEquals(1, reads.get());
                assertTrue(timeouts.get() >= 2, "timeouts: " + timeouts.get());
            }
        }
    }

    @Test
    void addingAWatchWhoseDescriptorWasClosedThrows() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()));
            Socket accepted = ss.accept();
            int fd = FdOf.socket(accepted);
            List<String> seen = new java.util.ArrayList<>();
            EventLoop.run(loop -> {
                Event w = loop.watchFd(fd, () -> { }, null, null, null);
                w.remove();
                try {
                    accepted.close();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                // libevent refuses (epoll_ctl: EBADF); the caller hears it instead of waiting for ever.
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.add(null));
                seen.add(e.getMessage());
                seen.add("pending " + w.isPending());
                w.free();
                Idle.atExit(loop);
            });
            assertTrue(seen.get(0).contains("cannot be watched"), seen.toString());
            assertEquals("pending false", seen.get(1));
        }
    }

    @Test
    void aRefusedAddQueuedFromAnotherLoopDoesNotEndTheOwningLoop() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()));
            Socket accepted = ss.accept();
            int fd = FdOf.socket(accepted);
            EventLoop a = loops.start();
            EventLoop b = loops.start();
            Event w = a.submit(() -> {
                Event e = a.watchFd(fd, () -> { }, null, null, null);
                e.remove();
                return e;
            }).get(10, TimeUnit.SECONDS);
            accepted.close();
            // From loop b's thread the add is queued on a, not waited for: a refusal has no caller
            // to reach there, and is logged rather than sent to a's uncaught handler.
            b.submit(() -> {
                w.add(null);
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertEquals("still serving", a.submit(() -> "still serving").get(10, TimeUnit.SECONDS));
            assertFalse(a.submit(w::isPending).get(10, TimeUnit.SECONDS));
            loops.assertNoneUncaught();
            a.submit(() -> {
                w.free();
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
    }
}
