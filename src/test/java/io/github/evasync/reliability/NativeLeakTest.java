package io.github.evasync.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libevent's live allocations, counted through event_set_mem_functions in a JVM of its own,
 * return to their starting count after each workload's loop closes.
 */
@Timeout(300)
class NativeLeakTest {
    @Test
    void libeventAllocationsReturnToTheirStartAfterEveryWorkload() throws Exception {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 10_000; i += 2) {
            hosts.add("10.8." + (i / 256) + "." + (i % 256) + " n" + i + ".your.test");
        }
        Class<?> dnsmasq = Class.forName("io.github.evasync.dns.Dnsmasq");
        Method start = dnsmasq.getDeclaredMethod("start", List.class);
        start.setAccessible(true);
        try (AutoCloseable dns = (AutoCloseable) start.invoke(null, hosts)) {
            Method address = dnsmasq.getDeclaredMethod("address");
            address.setAccessible(true);
            List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                    System.getProperty("evasync.test.jvmFlags", "--enable-native-access=ALL-UNNAMED"),
                    "-Devasync.libevent.countAllocations=true", "-cp", System.getProperty("java.class.path"),
                    AllocationChild.class.getName(), (String) address.invoke(dns));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(240, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("all done"), out);
            Matcher m = Pattern.compile("(\\w+) before=(\\d+) during=(\\d+) after=(\\d+)").matcher(out);
            int workloads = 0;
            while (m.find()) {
                workloads++;
                assertEquals(m.group(2), m.group(4), m.group(1) + " leaked libevent allocations: " + out);
                assertTrue(Long.parseLong(m.group(3)) > Long.parseLong(m.group(2)),
                        m.group(1) + ": the counter saw libevent allocate while the work ran: " + out);
            }
            assertEquals(4, workloads, out);
        }
    }
}
