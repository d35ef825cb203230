package io.github.evasync.bench.servers;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Netty's side of bench/udp.sh: a UDP echo server on one epoll event loop with an
 * {@code EpollDatagramChannel}, set up as Netty's documentation advises for throughput: recvmmsg
 * on ({@code MAX_DATAGRAM_PAYLOAD_SIZE} 2048, a 32 KiB receive allocation, so 16 datagrams per
 * call, as evasync reads by default), pooled buffers, each answer written with the received
 * buffer and one flush per read burst (which Netty sends with {@code sendmmsg}).
 *   NettyUdpServer PORT
 */
public final class NettyUdpServer {
    private NettyUdpServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(16 * 2048))
                    .handler(new Echo());
            var ch = b.bind("127.0.0.1", port).sync().channel();
            System.out.println("netty udp echo listening on " + ch.localAddress());
            ch.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Sends each datagram back to its sender; flushes once per read burst. */
    private static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            ctx.write(new DatagramPacket(p.content(), p.sender()));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
