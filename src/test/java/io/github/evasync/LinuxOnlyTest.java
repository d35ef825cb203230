package io.github.evasync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** On a system other than Linux, starting a loop fails at once with a message that says why. */
@Timeout(60)
class LinuxOnlyTest {
    @Test
    void anotherSystemIsRefusedBeforeLibeventIsLoaded() throws Exception {
        // os.name is only a property, so a child JVM can pretend; libevent itself is present here.
        String out = NativeLoadingTest.runChild(java.util.List.of("-Dos.name=Mac OS X"));
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("ERROR evasync runs on Linux only for now"), out);
        assertTrue(out.contains("'Mac OS X'"), out);
    }
}
