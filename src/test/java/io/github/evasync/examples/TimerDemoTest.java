package io.github.evasync.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class TimerDemoTest {
    @Test
    void timerDemoRunsToCompletion() throws Exception {
        ExampleRunner.Result r = ExampleRunner.run("TimerDemo", 60);
        assertEquals(0, r.exitCode(), r.output());
        String out = r.output();
        assertTrue(out.contains("evasync on libevent 2.1"), out);
        // The 100 ms interval is freed at 350 ms: it ticked, at most 3 times (a fourth tick is not
        // due before 400 ms), and every tick came before it was stopped. How many of the 3 a cold
        // JVM on a loaded machine fits in is not the point.
        assertTrue(out.contains("tick 1 at"), out);
        assertTrue(!out.contains("tick 4 at"), out);
        int stopped = out.indexOf("stopped the interval at");
        assertTrue(stopped > out.lastIndexOf("tick "), "a tick after the interval was stopped: " + out);
        assertTrue(out.contains("a task from another thread ran on main"), out);
        assertTrue(out.contains("loop finished with nothing left to do: true"), out);
    }
}
