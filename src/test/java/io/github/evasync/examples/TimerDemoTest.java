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
        assertTrue(out.contains("tick 3 at"), out);
        assertTrue(!out.contains("tick 4 at"), out);
        assertTrue(out.contains("a task from another thread ran on main"), out);
        assertTrue(out.contains("loop finished with nothing left to do: true"), out);
    }
}
