package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.tcp.ReadCallback;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bulk transfer over loopback TCP, for bench/bulk.sh: what the library's loop thread spends per
 * GiB moved, and the wall time. Not JMH: the figure is the loop thread's own CPU time, read on
 * the loop by a task before the peer connects and after it is done.
 *
 * <pre>
 * BulkLoad MIB WARM_MIB ROUNDS CASES TIMEOUT_S LOOP_CPU PEER_CPU
 *   e.g. BulkLoad 1024 1024 3 recv:evasync-bytes,recv:evasync-buffer,recv:netty,send:evasync,send:netty 120 0 1
 * </pre>
 *
 * <ul>
 * <li>{@code recv}: the library listens and counts what arrives; the peer, a thread with a
 *     blocking {@link java.nio.channels.SocketChannel}, connects and writes MIB MiB from one
 *     64 KiB direct buffer, then closes. Read paths: {@code evasync-bytes} (a
 *     {@code ReadCallback} lambda, a {@code byte[]} per read), {@code evasync-buffer}
 *     ({@code ReadCallback.ofBuffer}, a view of libevent's buffer), {@code netty}
 *     ({@code EpollSocketChannel}, the default allocator, each {@code ByteBuf} released).</li>
 * <li>{@code send}: the library listens and, once the peer connects, writes MIB MiB in 64 KiB
 *     pieces from one {@code byte[]} with back-pressure, then closes; the peer reads with a
 *     64 KiB direct buffer until the end of stream. evasync: {@code write(byte[])} until it
 *     returns false, on again in {@code onDrain}; Netty: a buffer from the channel's allocator
 *     filled from the array and {@code writeAndFlush} while {@code isWritable()}, on again in
 *     {@code channelWritabilityChanged}.</li>
 * </ul>
 * Per round (the first a warm-up of WARM_MIB MiB per case, reported as round 0) the cases run in turn, their order
 * alternating by round, each on its library's one loop (kept for the whole run). The loop thread
 * is pinned to LOOP_CPU and the peer thread to PEER_CPU ({@code sched_setaffinity}; -1: not
 * pinned). {@code reads} is the number of read callbacks (recv), {@code read_b} the bytes per
 * callback on average. {@code gc_ms} is the collectors' time during the transfer, on their own
 * threads and so not in {@code loop_cpu_s}; {@code proc_cpu_s} is the whole process's CPU over
 * the transfer: loop, peer, collectors, compilers.
 */
public final class BulkLoad {
    static final int PIECE = 64 * 1024;

    private BulkLoad() {
    }

    /** A library under test: its one loop and a one-connection server. */
    abstract static class Lib implements AutoCloseable {
        /** Runs {@code task} on the loop thread and waits for it. */
        abstract <T> T call(Callable<T> task) throws Exception;

        /**
         * Listens on an ephemeral loopback port; the first connection's bytes are counted and
         * {@code done} completed, with the number of read callbacks, once {@code total} have
         * arrived. {@return the port}
         */
        abstract int receiver(String path, long total, CompletableFuture<Long> done) throws Exception;

        /** Listens; writes {@code total} bytes to the first connection, then closes it. {@return the port} */
        abstract int sender(long total, CompletableFuture<Long> failed) throws Exception;

        /** Stops listening. */
        abstract void closeServer() throws Exception;
    }

    static final class Evasync extends Lib {
        private final EventLoop loop = EventLoop.start(LoopOptions.defaults().daemon(true));
        private TcpServer server;

        @Override
        <T> T call(Callable<T> task) throws Exception {
            return loop.submit(task).get(60, TimeUnit.SECONDS);
        }

        @Override
        int receiver(String path, long total, CompletableFuture<Long> done) throws Exception {
            long[] count = {0, 0}; // bytes, callbacks
            ReadCallback read = switch (path) {
                case "evasync-bytes" -> (socket, data) -> {
                    count[0] += data.length;
                    count[1]++;
                    if (count[0] >= total) {
                        done.complete(count[1]);
                    }
                };
                case "evasync-buffer" -> ReadCallback.ofBuffer((socket, data) -> {
                    count[0] += data.remaining();
                    count[1]++;
                    if (count[0] >= total) {
                        done.complete(count[1]);
                    }
                });
                default -> throw new IllegalArgumentException(path);
            };
            server = call(() -> loop.tcpServer("127.0.0.1", 0, read,
                    ev -> done.completeExceptionally(new IOException(ev + " after " + count[0] + " bytes"))));
            return server.port();
        }

        @Override
        int sender(long total, CompletableFuture<Long> failed) throws Exception {
            ServerOptions options = ServerOptions.defaults().connectCallback(socket -> send(socket, total));
            server = call(() -> loop.tcpServer("127.0.0.1", 0, (socket, data) -> { },
                    ev -> failed.completeExceptionally(new IOException(String.valueOf(ev))), options));
            return server.port();
        }

        private static void send(TcpSocket socket, long total) {
            byte[] piece = new byte[PIECE];
            long[] left = {total};
            boolean[] closed = {false};
            Runnable produce = () -> {
                while (left[0] > 0) {
                    int n = (int) Math.min(PIECE, left[0]);
                    left[0] -= n;
                    boolean more = socket.write(n == PIECE ? piece : java.util.Arrays.copyOf(piece, n));
                    if (!more && left[0] > 0) {
                        return; // on again in onDrain
                    }
                }
                if (!closed[0]) {
                    closed[0] = true;
                    socket.close(); // once what is buffered has gone
                }
            };
            socket.onDrain(produce);
            produce.run();
        }

        @Override
        void closeServer() throws Exception {
            TcpServer s = server;
            server = null;
            if (s != null) {
                call(() -> {
                    s.close();
                    return null;
                });
            }
        }

        @Override
        public void close() {
            loop.close();
        }
    }

    static final class Netty extends Lib {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        private final io.netty.channel.EventLoop loop = group.next();
        private Channel server;

        @Override
        <T> T call(Callable<T> task) throws Exception {
            return loop.submit(task).get(60, TimeUnit.SECONDS);
        }

        private int listen(java.util.function.Supplier<ChannelInboundHandlerAdapter> handler) throws Exception {
            server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(handler.get());
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            return ((InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        int receiver(String path, long total, CompletableFuture<Long> done) throws Exception {
            return listen(() -> new ChannelInboundHandlerAdapter() {
                long count;
                long reads;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf in = (ByteBuf) msg;
                    count += in.readableBytes();
                    reads++;
                    in.release();
                    if (count >= total) {
                        done.complete(reads);
                    }
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    done.completeExceptionally(new IOException("closed after " + count + " bytes"));
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    done.completeExceptionally(cause);
                    ctx.close();
                }
            });
        }

        @Override
        int sender(long total, CompletableFuture<Long> failed) throws Exception {
            byte[] piece = new byte[PIECE];
            return listen(() -> new ChannelInboundHandlerAdapter() {
                long left = total;

                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    produce(ctx);
                }

                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    produce(ctx);
                }

                private void produce(ChannelHandlerContext ctx) {
                    Channel ch = ctx.channel();
                    while (left > 0 && ch.isWritable()) {
                        int n = (int) Math.min(PIECE, left);
                        left -= n;
                        ByteBuf b = ctx.alloc().directBuffer(n).writeBytes(piece, 0, n);
                        if (left == 0) {
                            ctx.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
                        } else {
                            ctx.writeAndFlush(b, ctx.voidPromise());
                        }
                    }
                }

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).release();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    failed.completeExceptionally(cause);
                    ctx.close();
                }
            });
        }

        @Override
        void closeServer() throws Exception {
            Channel s = server;
            server = null;
            if (s != null) {
                s.close().sync();
            }
        }

        @Override
        public void close() throws InterruptedException {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The peer: a thread with a blocking channel that writes or reads {@code total} bytes. */
    static final class Peer extends Thread {
        final int port;
        final boolean writes;
        final long total;
        final int cpu;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        volatile java.nio.channels.SocketChannel channel;
        long cpuNs;

        Peer(int port, boolean writes, long total, int cpu) {
            super("bulk-peer");
            setDaemon(true);
            this.port = port;
            this.writes = writes;
            this.total = total;
            this.cpu = cpu;
        }

        @Override
        public void run() {
            try {
                Os.pinCurrentThread(cpu);
                long c0 = Os.threadCpu();
                long n = 0;
                ByteBuffer buf = ByteBuffer.allocateDirect(PIECE);
                try (var ch = java.nio.channels.SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                    channel = ch;
                    if (writes) {
                        while (n < total) {
                            buf.clear().limit((int) Math.min(PIECE, total - n));
                            while (buf.hasRemaining()) {
                                n += ch.write(buf);
                            }
                        }
                    } else {
                        for (int r; (r = ch.read(buf.clear())) >= 0; ) {
                            n += r;
                        }
                    }
                }
                cpuNs = Os.threadCpu() - c0;
                done.complete(n);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }

        void abort() {
            try {
                var ch = channel;
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // closing to unblock it
            }
        }
    }

    record Case(String dir, String impl) {
        static Case parse(String s) {
            String[] p = s.split(":");
            if (p.length != 2 || !(p[0].equals("recv") || p[0].equals("send"))) {
                throw new IllegalArgumentException("a case is recv:IMPL or send:IMPL: " + s);
            }
            return new Case(p[0], p[1]);
        }

        String lib() {
            return impl.startsWith("evasync") ? "evasync" : impl;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: BulkLoad MIB WARM_MIB ROUNDS CASES TIMEOUT_S LOOP_CPU PEER_CPU");
            System.exit(2);
        }
        long total = Long.parseLong(args[0]) << 20;
        long warmTotal = Long.parseLong(args[1]) << 20;
        int rounds = Integer.parseInt(args[2]);
        List<Case> cases = new ArrayList<>();
        for (String s : args[3].split(",")) {
            cases.add(Case.parse(s));
        }
        long timeout = Long.parseLong(args[4]);
        int loopCpu = Integer.parseInt(args[5]);
        int peerCpu = Integer.parseInt(args[6]);
        Lib evasync = null;
        Lib netty = null;
        for (Case c : cases) {
            switch (c.lib()) {
                case "evasync" -> evasync = evasync != null ? evasync : new Evasync();
                case "netty" -> netty = netty != null ? netty : new Netty();
                default -> throw new IllegalArgumentException("impl must be evasync-bytes, evasync-buffer, evasync (send) or netty: " + c.impl());
            }
        }
        int failures = 0;
        try {
            for (Lib lib : new Lib[] {evasync, netty}) {
                if (lib != null) {
                    lib.call(() -> {
                        Os.pinCurrentThread(loopCpu);
                        return null;
                    });
                }
            }
            for (int round = 0; round <= rounds; round++) {
                for (int k = 0; k < cases.size(); k++) {
                    Case c = cases.get(round % 2 == 0 ? k : cases.size() - 1 - k);
                    Lib lib = c.lib().equals("evasync") ? evasync : netty;
                    if (!transfer(lib, c, round, round == 0 ? warmTotal : total, timeout, peerCpu)) {
                        failures++;
                    }
                }
            }
        } finally {
            if (evasync != null) {
                evasync.close();
            }
            if (netty != null) {
                netty.close();
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private static boolean transfer(Lib lib, Case c, int round, long total, long timeout, int peerCpu)
            throws Exception {
        boolean recv = c.dir().equals("recv");
        if (!recv && c.impl().equals("evasync-buffer")) {
            throw new IllegalArgumentException("send has one evasync case, send:evasync");
        }
        CompletableFuture<Long> libDone = new CompletableFuture<>();
        int port = recv ? lib.receiver(c.impl(), total, libDone) : lib.sender(total, libDone);
        long gc0 = Os.gcMillis();
        long proc0 = Os.processCpu();
        long cpu0 = lib.call(Os::threadCpu);
        long wall0 = System.nanoTime();
        Peer peer = new Peer(port, recv, total, peerCpu);
        peer.start();
        String error = null;
        long reads = 0;
        try {
            if (recv) {
                reads = libDone.get(timeout, TimeUnit.SECONDS);
            } else {
                // The peer's end of stream is the end; a failure on the library's side ends it too.
                CompletableFuture.anyOf(peer.done, libDone).get(timeout, TimeUnit.SECONDS);
                libDone.getNow(null);
            }
            long got = peer.done.get(timeout, TimeUnit.SECONDS);
            if (got != total) {
                error = "peer_moved_" + got;
            }
        } catch (TimeoutException e) {
            error = "timeout";
        } catch (Exception e) {
            error = String.valueOf(e.getCause() != null ? e.getCause() : e).replace(' ', '_');
        }
        long wall1 = System.nanoTime();
        long cpu1 = lib.call(Os::threadCpu);
        long proc = Os.processCpu() - proc0;
        long gc = Os.gcMillis() - gc0;
        if (error != null) {
            peer.abort();
        }
        peer.join(10_000);
        lib.closeServer();
        double gib = total / (double) (1L << 30);
        double wall = (wall1 - wall0) / 1e9;
        double cpu = (cpu1 - cpu0) / 1e9;
        System.out.printf("bulk dir=%s impl=%s round=%d mib=%d wall_s=%.3f loop_cpu_s=%.3f cpu_s_per_gib=%.3f"
                        + " gib_per_s=%.3f peer_cpu_s=%.3f proc_cpu_s=%.3f gc_ms=%d%s%s%n",
                c.dir(), c.impl(), round, total >> 20, wall, cpu, cpu / gib, gib / wall, peer.cpuNs / 1e9,
                proc / 1e9, gc,
                reads > 0 ? String.format(" reads=%d read_b=%d", reads, total / reads) : "",
                error == null ? "" : " error=" + error);
        return error == null;
    }
}
