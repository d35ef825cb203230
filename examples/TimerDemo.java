import io.github.evasync.*;

import java.time.Duration;

/**
 * The main example: a loop with a delay, an interval, a cross-thread task and a clean exit.
 * Run it with {@code mvn -q compile exec:exec}.
 */
public class TimerDemo {
    public static void main(String[] args) throws Exception {
        long[] start = new long[1];
        boolean idle = EventLoop.run(loop -> {
            long t0 = start[0] = System.nanoTime();
            System.out.println("evasync on libevent " + EventLoop.libeventVersion());
            int[] ticks = {0};
            Event tick = loop.interval(Duration.ofMillis(100), () ->
                    System.out.printf("tick %d at %d ms%n", ++ticks[0], ms(t0)));
            loop.delay(Duration.ofMillis(350), () -> {
                tick.free();
                System.out.printf("stopped the interval at %d ms%n", ms(t0));
            });
            new Thread(() -> loop.execute(() ->
                    System.out.println("a task from another thread ran on " + Thread.currentThread().getName())))
                    .start();
            loop.delay(() -> System.out.println("next turn of the loop"));
        });
        System.out.printf("loop finished with nothing left to do: %b, after %d ms%n", idle, ms(start[0]));
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
