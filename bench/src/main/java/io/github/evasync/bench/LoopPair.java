package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.netty.channel.DefaultEventLoop;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The shared base of the loop benchmarks: one live loop of the kind under test, evasync or
 * Netty's {@link DefaultEventLoop}, each on its own thread, the benchmark thread foreign to both.
 */
@State(Scope.Benchmark)
public class LoopPair {
    /** Work items per benchmark invocation; results are per item. */
    public static final int BATCH = 1000;

    @Param({"evasync", "netty"})
    public String impl;

    public EventLoop evasync;
    public DefaultEventLoop netty;

    @Setup(Level.Trial)
    public void open() {
        if (impl.equals("evasync")) {
            evasync = EventLoop.start(LoopOptions.defaults().daemon(true));
        } else {
            netty = new DefaultEventLoop();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (evasync != null) {
            evasync.close();
        }
        if (netty != null) {
            netty.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
