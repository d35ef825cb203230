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

import java.util.concurrent.TimeUnit;

/**
 * Netty's side of bench/load.sh: the same modes as {@link EvasyncServer}, on one epoll event
 * loop (or {@code LOOPS} of them, sharing one listening socket, Netty's usual way), with Netty's
 * pooled buffers and one flush per read burst.
 */
public final class NettyServer {
    private NettyServer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        long delayMs = args.length > 2 ? Long.parseLong(args[2]) : 5000;
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
