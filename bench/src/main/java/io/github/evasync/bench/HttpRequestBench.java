package io.github.evasync.bench;

import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.http.HttpServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * In-process HTTP/1.1 requests over one keep-alive loopback connection, client and server on one
 * loop, one request at a time: a GET answered with {@code Hello, World!}. evasync's
 * {@code httpClient} (URI, pool, response parser) against its {@code httpServer}, and Netty's
 * {@code HttpClientCodec} with an {@code HttpObjectAggregator} against {@code HttpServerCodec}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HttpRequestBench extends InProcessPair {
    /** Requests per benchmark invocation, all run on the loop thread. */
    public static final int REQUESTS = 100;
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void openEvasync() {
        EventLoop loop = EventLoop.start(LoopOptions.defaults().daemon(true));
        evasync = loop;
        Map<String, String> headers = Map.of("Content-Type", "text/plain");
        HttpServer server = loop.submit(() -> loop.httpServer("127.0.0.1", 0,
                req -> req.respond(200, headers, HELLO), null)).join();
        String uri = "http://127.0.0.1:" + server.port() + "/";
        send = () -> loop.httpClient(uri, (status, h, body) -> {
            if (status != 200 || body.length != HELLO.length) {
                fail(new IllegalStateException("bad answer " + status));
                return;
            }
            next();
        }, ev -> fail(ev));
        closeAll = closingEvasync(loop, () -> {
            loop.closeIdleHttpConnections();
            server.close();
        });
    }

    @Override
    protected void openNetty() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ByteBuf hello = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(HELLO));
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof HttpRequest) {
                                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                            HttpResponseStatus.OK, hello.duplicate());
                                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                                            .setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.length);
                                    ctx.write(r, ctx.voidPromise());
                                }
                                if (msg instanceof LastHttpContent) {
                                    ctx.flush();
                                }
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                        if (r.status().code() != 200 || r.content().readableBytes() != HELLO.length) {
                                            fail(new IllegalStateException("bad answer " + r.status()));
                                            return;
                                        }
                                        next();
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        nettyClient = client;
        String host = "127.0.0.1:" + port;
        send = () -> {
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
                    Unpooled.EMPTY_BUFFER);
            req.headers().set(HttpHeaderNames.HOST, host);
            client.writeAndFlush(req, client.voidPromise());
        };
        closeAll = closingNetty(client, server, group);
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public Object request() {
        return runBatch(REQUESTS);
    }

}
