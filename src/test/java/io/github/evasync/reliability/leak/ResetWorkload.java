package io.github.evasync.reliability.leak;

import io.github.evasync.EventLoop;
import io.github.evasync.TcpError;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.github.evasync.reliability.leak.LeakSettings.RESET_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.RESET_W;
import static io.github.evasync.reliability.leak.LeakSettings.RESET_WRITE_BYTES;

/**
 * Peers that reset (SO_LINGER 0) from plain java.net sockets: evasync clients with nothing
 * and with a megabyte queued, and an evasync server whose client resets.
 */
final class ResetWorkload extends Workload {
    ServerSocket peer;
    Thread acceptor;
    ExecutorService clients;
    TcpServer server;

    ResetWorkload() {
        super("reset", RESET_W, RESET_CONCURRENCY);
    }

    @Override
    void open(EventLoop loop) throws Exception {
        peer = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!peer.isClosed()) {
                try (Socket s = peer.accept()) {
                    s.setSoTimeout(5000);
                    if (s.getInputStream().read() < 0) {
                        t.unexpected("reset peer: eof before the first byte", null);
                    }
                    s.setSoLinger(true, 0);
                } catch (java.net.SocketException closed) {
                    if (!peer.isClosed()) {
                        t.unexpected("reset peer", closed);
                    }
                } catch (Exception e) {
                    t.unexpected("reset peer", e);
                }
            }
        }, "reset-peer");
        acceptor.start();
        clients = Executors.newFixedThreadPool(2);
        server = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> {
            if (ev instanceof TcpError e && e.errcode() == 104) {
                t.got("serverSawReset");
            } else {
                t.unexpected("reset server", ev);
            }
        });
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        switch (i % 3) {
            case 0, 1 -> {
                boolean writing = i % 3 == 1;
                String key = writing ? "resetWhileWriting" : "reset";
                t.expect(key);
                TcpSocket c = loop.tcpConnect("127.0.0.1", peer.getLocalPort(), (s, d) -> t.unexpected("reset read", null), ev -> {
                    // ECONNRESET (104), or EPIPE (32) when a write meets the reset first.
                    if (ev instanceof TcpError e && (e.errcode() == 104 || (writing && e.errcode() == 32))) {
                        t.got(key);
                    } else {
                        t.unexpected(key, ev);
                    }
                    done.run();
                }, TcpOptions.defaults().data("x"));
                if (writing) {
                    c.write(new byte[RESET_WRITE_BYTES]);
                }
            }
            default -> {
                t.expect("peerDone");
                t.expect("serverSawReset");
                int port = server.port();
                clients.execute(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.setSoTimeout(5000);
                        s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                        byte[] back = s.getInputStream().readNBytes(5);
                        if (!"hello".equals(new String(back, StandardCharsets.US_ASCII))) {
                            t.unexpected("reset client read " + Arrays.toString(back), null);
                        }
                        s.setSoLinger(true, 0);
                    } catch (Exception e) {
                        t.unexpected("reset client", e);
                    }
                    t.got("peerDone");
                    loop.execute(done);
                });
            }
        }
    }

    @Override
    void close(EventLoop loop) {
        server.close();
    }

    @Override
    void closeOutside() throws Exception {
        peer.close();
        acceptor.join(5000);
        clients.shutdown();
        clients.awaitTermination(5, TimeUnit.SECONDS);
    }
}
