package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The shared base of the in-process benchmarks: a client and a server on one loop, evasync's or
 * Netty's, and a batch of exchanges run back to back on the loop thread. A subclass's setup sets
 * {@link #send} (start one exchange), {@link #closeAll}, and {@link #evasync} or
 * {@link #nettyClient}; its client calls {@link #next()} when an exchange completes.
 */
@State(Scope.Benchmark)
public abstract class InProcessPair {
    @Param({"evasync", "netty"})
    public String impl;

    protected Runnable send;
    protected Runnable closeAll;
    protected EventLoop evasync;
    protected Channel nettyClient;
    // Touched on the loop thread only, once a batch has handed over.
    private int left;
    private CompletableFuture<Object> done;

    @Setup(Level.Trial)
    public void open() throws Exception {
        if (impl.equals("evasync")) {
            openEvasync();
        } else {
            openNetty();
        }
    }

    /** Sets up evasync's client and server. */
    protected abstract void openEvasync() throws Exception;

    /** Sets up Netty's client and server. */
    protected abstract void openNetty() throws Exception;

    /** {@return a {@link #closeAll} that runs {@code onLoop} on the evasync loop, then closes it} */
    protected static Runnable closingEvasync(EventLoop loop, Runnable onLoop) {
        return () -> {
            loop.submit(() -> {
                onLoop.run();
                return null;
            }).join();
            loop.close();
        };
    }

    /** {@return a {@link #closeAll} that closes Netty's client and server, then their loop} */
    protected static Runnable closingNetty(Channel client, Channel server, EventLoopGroup group) {
        return () -> {
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        };
    }

    /** Called by the client on the loop thread when an exchange has completed. */
    protected final void next() {
        if (--left == 0) {
            done.complete(this);
        } else {
            send.run();
        }
    }

    /** Ends the current batch with a failure. */
    protected final void fail(Throwable t) {
        done.completeExceptionally(t);
    }

    /** Runs {@code count} exchanges one after another on the loop and waits for the last. */
    protected final Object runBatch(int count) {
        done = new CompletableFuture<>();
        left = count;
        if (evasync != null) {
            evasync.execute(send);
        } else {
            nettyClient.eventLoop().execute(send);
        }
        return done.join();
    }

    @TearDown(Level.Trial)
    public void close() {
        closeAll.run();
    }
}
