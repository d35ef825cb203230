package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import io.github.evasync.bench.servers.NettyServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * In-process TCP round trips over loopback, client and server on one loop: the client writes
 * {@code size} bytes, the server writes back what it reads, the client reads all {@code size}
 * bytes back, then the next round trip starts. The 64-byte case is the round-trip latency floor;
 * the 16 KiB case is write and read throughput. evasync's {@code tcpServer}/{@code tcpConnect}
 * with byte arrays against Netty on epoll with pooled direct buffers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TcpRoundTripBench extends InProcessPair {
    /** Round trips per benchmark invocation, all run on the loop thread. */
    public static final int ROUND_TRIPS = 100;

    @Param({"64", "16384"})
    public int size;

    private int received;

    @Override
    protected void openEvasync() {
        byte[] payload = new byte[size];
        EventLoop loop = EventLoop.start(LoopOptions.defaults().daemon(true));
        evasync = loop;
        CompletableFuture<TcpSocket> connected = new CompletableFuture<>();
        TcpServer server = loop.submit(() -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (sock, data) -> sock.write(data), ev -> { });
            loop.tcpConnect("127.0.0.1", s.port(), (sock, data) -> onBytes(data.length),
                    connected::completeExceptionally, TcpOptions.defaults().connectCallback(connected::complete));
            return s;
        }).join();
        TcpSocket client = connected.join();
        send = () -> client.write(payload);
        closeAll = closingEvasync(loop, () -> {
            client.close();
            server.close();
        });
    }

    @Override
    protected void openNetty() throws Exception {
        byte[] payload = new byte[size];
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new NettyServer.Echo()).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf in = (ByteBuf) msg;
                        int n = in.readableBytes();
                        in.release();
                        onBytes(n);
                    }
                }).connect("127.0.0.1", port).sync().channel();
        nettyClient = client;
        send = () -> client.writeAndFlush(client.alloc().directBuffer(size).writeBytes(payload), client.voidPromise());
        closeAll = closingNetty(client, server, group);
    }

    private void onBytes(int n) {
        received += n;
        if (received < size) {
            return;
        }
        received = 0;
        next();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public Object roundTrip() {
        return runBatch(ROUND_TRIPS);
    }

}
