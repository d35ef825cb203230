package io.github.evasync.signal;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopStats;

import java.time.Duration;

/** The child JVM of {@link SignalTest}: each mode prints what it sees, one line at a time. */
public final class SignalChild {
    private SignalChild() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "count3" -> {
                int[] n = {0};
                boolean idle = EventLoop.run(loop -> {
                    loop.signalHandler(Signals.SIGUSR1, signo -> {
                        System.out.println("got " + (++n[0]) + " signo=" + signo);
                        if (n[0] == 3) {
                            loop.freeSignalHandler(Signals.SIGUSR1);
                        }
                    });
                    System.out.println("ready");
                });
                System.out.println("loop returned idle=" + idle);
            }
            case "restore" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
                EventLoop.run(loop -> {
                    loop.signalHandler(Signals.SIGTERM, signo -> System.out.println("evasync got SIGTERM"));
                    loop.freeSignalHandler(Signals.SIGTERM);
                });
                System.out.println("ready");
                Thread.sleep(30_000);
                System.out.println("no signal came");
            }
            case "keepalive" -> {
                long t0 = System.nanoTime();
                EventLoop.run(loop -> {
                    loop.signalHandler(Signals.SIGHUP, signo -> { });
                    loop.delay(Duration.ofMillis(800), () -> loop.freeSignalHandler(Signals.SIGHUP));
                });
                System.out.println("ran ms=" + (System.nanoTime() - t0) / 1_000_000);
            }
            case "refuse" -> EventLoop.run(loop -> {
                for (int signo : new int[]{Signals.SIGSEGV, Signals.SIGQUIT, Signals.SIGUSR2, Signals.SIGKILL, 0}) {
                    try {
                        loop.signalHandler(signo, s -> { });
                        System.out.println("accepted " + signo);
                    } catch (IllegalArgumentException e) {
                        System.out.println("refused " + signo + ": " + e.getMessage());
                    }
                }
            });
            case "second-loop" -> {
                try (EventLoop first = EventLoop.start()) {
                    first.signalHandler(Signals.SIGUSR1, s -> { });
                    EventLoop.run(loop -> {
                        try {
                            loop.signalHandler(Signals.SIGHUP, s -> { });
                            System.out.println("second loop accepted");
                        } catch (IllegalStateException e) {
                            System.out.println("second loop refused: " + e.getMessage());
                        }
                    });
                    first.clearSignalHandlers();
                    LoopStats st = first.stats();
                    EventLoop.run(loop -> {
                        loop.signalHandler(Signals.SIGHUP, s -> { });
                        System.out.println("after clear, another loop may: yes");
                        loop.clearSignalHandlers();
                    });
                    System.out.println("first loop idle=" + st.isIdle());
                }
            }
            case "from-other-loop" -> {
                // Loop B is asked for a handler from loop C's thread while loop A owns signals:
                // the refusal reaches C, the caller, and B runs on to its timer.
                try (EventLoop a = EventLoop.start(); EventLoop c = EventLoop.start()) {
                    a.signalHandler(Signals.SIGUSR1, s -> { });
                    boolean idle = EventLoop.run(b -> {
                        b.delay(Duration.ofMillis(500), () -> System.out.println("b's timer ran"));
                        c.execute(() -> {
                            try {
                                b.signalHandler(Signals.SIGHUP, s -> { });
                                System.out.println("caller: accepted");
                            } catch (IllegalStateException e) {
                                System.out.println("caller: refused: " + e.getMessage());
                            }
                        });
                    });
                    System.out.println("b returned idle=" + idle);
                    a.clearSignalHandlers();
                }
            }
            case "raced-owner" -> {
                // The caller's check passes (no loop owns signals), the call waits in loop B's
                // queue, and loop A takes signal handling meanwhile: B logs the refusal and runs on.
                try (EventLoop a = EventLoop.start(); EventLoop c = EventLoop.start()) {
                    java.util.concurrent.CountDownLatch queued = new java.util.concurrent.CountDownLatch(1);
                    java.util.concurrent.CountDownLatch taken = new java.util.concurrent.CountDownLatch(1);
                    boolean idle = EventLoop.run(b -> {
                        b.execute(() -> {
                            try {
                                queued.await();
                                taken.await();
                            } catch (InterruptedException e) {
                                throw new RuntimeException(e);
                            }
                        });
                        c.execute(() -> {
                            b.signalHandler(Signals.SIGHUP, s -> { });
                            queued.countDown();
                        });
                        new Thread(() -> { // a plain thread: its call on loop A waits, so A owns after it
                            try {
                                queued.await();
                            } catch (InterruptedException e) {
                                throw new RuntimeException(e);
                            }
                            a.signalHandler(Signals.SIGUSR1, s -> { });
                            taken.countDown();
                        }).start();
                        b.delay(Duration.ofMillis(300), () -> System.out.println("b's timer ran"));
                    });
                    System.out.println("b returned idle=" + idle);
                    a.clearSignalHandlers();
                }
            }
            case "throws" -> {
                java.util.List<Exception> caught = new java.util.ArrayList<>();
                io.github.evasync.LoopOptions on = io.github.evasync.LoopOptions.defaults().catchAppErrors(true);
                EventLoop.run(on, loop -> {
                    loop.signalHandler(Signals.SIGUSR1, signo -> {
                        loop.clearSignalHandlers();
                        throw new IllegalStateException("boom in a signal handler");
                    }, caught::add);
                    System.out.println("ready caught");
                });
                System.out.println("caught: " + caught);
                try {
                    EventLoop.run(loop -> {
                        loop.signalHandler(Signals.SIGUSR1, signo -> {
                            throw new IllegalStateException("boom uncaught");
                        });
                        System.out.println("ready uncaught");
                    });
                    System.out.println("run returned normally");
                } catch (IllegalStateException e) {
                    System.out.println("rethrown: " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
