package io.github.evasync.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * Netty's side of bench/load.sh: the same modes as {@link EvasyncServer}, on one epoll event
 * loop (or {@code LOOPS} of them, sharing one listening socket, Netty's usual way), with Netty's
 * pooled buffers and one flush per read burst. For bench/tls.sh, {@code https-openssl PORT CERT KEY}
 * and {@code https-jdk PORT CERT KEY}: the {@code hello} mode behind an {@code SslHandler},
 * TLS 1.3 only, from {@code SslProvider.OPENSSL} (netty-tcnative, BoringSSL) or
 * {@code SslProvider.JDK} (the JDK's {@code SSLEngine}).
 */
public final class NettyServer {
    private NettyServer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        long delayMs = mode.equals("hold") && args.length > 2 ? Long.parseLong(args[2]) : 5000;
        SslContext ssl = mode.startsWith("https-") ? sslContext(mode, args[2], args[3]) : null;
        ByteBuf response = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(EvasyncServer.RESPONSE));
        ByteBuf hold = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(EvasyncServer.HOLD_RESPONSE));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(EvasyncServer.loops(), EpollIoHandler.newFactory());
        try {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(switch (mode) {
                                case "http" -> new Http(response);
                                case "echo" -> new Echo();
                                case "hold" -> new Hold(hold, delayMs);
                                case "hello" -> {
                                    ch.pipeline().addLast(new io.netty.handler.codec.http.HttpServerCodec());
                                    yield new Hello();
                                }
                                case "https-openssl", "https-jdk" -> {
                                    ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                                    ch.pipeline().addLast(new io.netty.handler.codec.http.HttpServerCodec());
                                    yield new Hello();
                                }
                                default -> throw new IllegalArgumentException(mode);
                            });
                        }
                    });
            b.bind("127.0.0.1", port).sync();
            System.out.println("netty " + mode + " listening on 127.0.0.1:" + port);
            group.terminationFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** The server's TLS 1.3 context from OpenSSL (tcnative's BoringSSL) or the JDK, saying which. */
    private static SslContext sslContext(String mode, String cert, String key) throws Exception {
        SslProvider provider = mode.equals("https-openssl") ? SslProvider.OPENSSL : SslProvider.JDK;
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            throw new IllegalStateException("SslProvider.OPENSSL is not available", OpenSsl.unavailabilityCause());
        }
        SslContext ctx = SslContextBuilder.forServer(new File(cert), new File(key)).sslProvider(provider)
                .protocols("TLSv1.3").build();
        System.out.println("netty " + mode + ": provider " + provider
                + (provider == SslProvider.OPENSSL ? " (" + OpenSsl.versionString() + ")" : "")
                + ", context " + ctx.getClass().getSimpleName());
        return ctx;
    }

    static final class Http extends ChannelInboundHandlerAdapter {
        private final ByteBuf response;
        private final RequestCounter counter = new RequestCounter();
        private final byte[] scratch = new byte[16384];

        Http(ByteBuf response) {
            this.response = response;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                while (in.isReadable()) {
                    int n = Math.min(in.readableBytes(), scratch.length);
                    in.readBytes(scratch, 0, n);
                    for (int k = counter.feed(scratch, 0, n); k > 0; k--) {
                        ctx.write(response.duplicate(), ctx.voidPromise());
                    }
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** HTTP hello world on Netty's own codec, as its examples write it. */
    static final class Hello extends ChannelInboundHandlerAdapter {
        private static final byte[] BODY = "Hello, World!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.http.HttpRequest req) {
                boolean keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(req);
                var res = new io.netty.handler.codec.http.DefaultFullHttpResponse(req.protocolVersion(),
                        io.netty.handler.codec.http.HttpResponseStatus.OK, Unpooled.wrappedBuffer(BODY));
                res.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, "text/plain")
                        .setInt(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, BODY.length);
                if (keepAlive) {
                    ctx.write(res, ctx.voidPromise());
                } else {
                    // Says so, as evhttp and evasync do: else a client takes the connection for
                    // kept alive and its next request fails (wrk counts a read error).
                    res.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION,
                            io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
                    ctx.write(res).addListener(ChannelFutureListener.CLOSE);
                }
            }
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Writes back what it reads, flushing once per read burst; also the JMH round trip's server. */
    @io.netty.channel.ChannelHandler.Sharable
    public static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    static final class Hold extends ChannelInboundHandlerAdapter {
        private final ByteBuf response;
        private final long delayMs;

        Hold(ByteBuf response, long delayMs) {
            this.response = response;
            this.delayMs = delayMs;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                ctx.writeAndFlush(response.duplicate()).addListener(ChannelFutureListener.CLOSE);
            }, delayMs, TimeUnit.MILLISECONDS);
        }
    }
}
