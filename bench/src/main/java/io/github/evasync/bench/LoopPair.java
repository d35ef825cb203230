package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * The shared base of the loop benchmarks: one live loop of the kind under test, each on its own
 * thread, the benchmark threads foreign to it. {@code netty} is Netty's epoll I/O loop (one
 * {@link MultiThreadIoEventLoopGroup} thread with {@link EpollIoHandler}), the loop a Netty server
 * runs on and the one evasync's loop is measured against; {@code netty-default} is Netty's
 * {@link DefaultEventLoop}, which blocks on its task queue instead of in epoll, as an extra line.
 */
@State(Scope.Benchmark)
public class LoopPair {
    /** Work items per benchmark invocation and thread; results are per item. */
    public static final int BATCH = 1000;

    @Param({"evasync", "netty", "netty-default"})
    public String impl;

    public EventLoop evasync;
    /** Netty's loop under test, epoll or default; null for evasync. */
    public io.netty.channel.EventLoop netty;
    private EventLoopGroup nettyGroup;

    @Setup(Level.Trial)
    public void open() {
        switch (impl) {
            case "evasync" -> evasync = EventLoop.start(LoopOptions.defaults().daemon(true));
            case "netty" -> {
                nettyGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
                netty = nettyGroup.next();
            }
            case "netty-default" -> {
                nettyGroup = new DefaultEventLoop();
                netty = (DefaultEventLoop) nettyGroup;
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        if (evasync != null) {
            evasync.close();
        }
        if (nettyGroup != null) {
            nettyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
