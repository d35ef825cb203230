package io.github.evasync.tls;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TcpEof;
import io.github.evasync.TestLoops;
import io.github.evasync.tcp.ServerOptions;
import io.github.evasync.tcp.TcpOptions;
import io.github.evasync.tcp.TcpServer;
import io.github.evasync.tcp.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An evasync TLS client and an evasync TLS server on one loop. */
@Timeout(60)
class TlsLoopbackTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    private final TestCerts certs = TestCerts.get();

    @Test
    void echoThenACleanCloseIsEofOnTheOtherSide() {
        List<String> events = new ArrayList<>();
        TlsSession[] sessions = new TlsSession[2];
        EventLoop.run(loops.options(), loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, (s, d) -> s.write(d), ev -> {
                events.add("server:" + ev.getClass().getSimpleName());
                server[0].close();
            }, ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey))
                    .connectCallback(s -> sessions[1] = s.tlsSession()));
            TcpSocket client = loop.tcpConnect("localhost", server[0].port(), (s, d) -> {
                events.add("client read:" + new String(d, StandardCharsets.UTF_8));
                sessions[0] = s.tlsSession();
                s.close();
            }, ev -> events.add("client:" + ev), TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca))
                    .connectCallback(s -> events.add("client connected")));
            assertNull(client.tlsSession(), "no session before the handshake");
            client.write("hello over TLS");
            Idle.atExit(loop);
        });
        assertEquals(List.of("client connected", "client read:hello over TLS", "server:TcpEof"), events);
        assertEquals("TLSv1.3", sessions[0].protocol());
        assertTrue(sessions[0].cipherSuite().startsWith("TLS_"), sessions[0].cipherSuite());
        assertNull(sessions[0].alpn());
        assertEquals("CN=localhost", sessions[0].peerCertificates().get(0).getSubjectX500Principal().getName());
        assertEquals("TLSv1.3", sessions[1].protocol());
        assertEquals(List.of(), sessions[1].peerCertificates(), "no client certificate was asked for");
    }

    /**
     * Writes after the handshake go straight through OpenSSL while nothing is queued, and through
     * the output buffer once the socket is full (OpenSSL then wants the same bytes again): a reader
     * that stops for a while, then reads all, gets every byte once and in order, big writes and
     * small ones from timers alike.
     */
    @Test
    void directAndQueuedWritesKeepEveryByteInOrder() {
        int chunks = 160;
        int size = 64 * 1024 + 7;
        java.security.MessageDigest sent = sha256();
        java.security.MessageDigest got = sha256();
        long[] received = {0};
        List<Object> conditions = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, null, conditions::add,
                    ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)).connectCallback(s -> {
                        server[0].close();
                        for (int i = 0; i < chunks; i++) {
                            byte[] chunk = pattern(i, size);
                            sent.update(chunk);
                            s.write(chunk);
                        }
                        // Small writes later, each once the big ones may have drained or not.
                        for (int i = 0; i < 20; i++) {
                            int n = i;
                            loop.delay(java.time.Duration.ofMillis(20L * i), () -> {
                                byte[] small = pattern(1000 + n, 1 + n * 37);
                                sent.update(small);
                                s.write(small);
                                if (n == 19) {
                                    s.close();
                                }
                            });
                        }
                    }));
            TcpSocket client = loop.tcpConnect("localhost", server[0].port(), (c, d) -> {
                got.update(d);
                received[0] += d.length;
            }, ev -> {
                conditions.add(ev);
                if (ev instanceof TcpEof eof) {
                    eof.socket().close();
                }
            }, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca)).connectCallback(c -> {
                c.disable(true, false);
                loop.delay(java.time.Duration.ofMillis(300), () -> c.enable(true, false));
            }));
            Idle.atExit(loop);
        });
        long expected = (long) chunks * size;
        for (int i = 0; i < 20; i++) {
            expected += 1 + i * 37;
        }
        assertEquals(expected, received[0]);
        assertTrue(java.util.Arrays.equals(sent.digest(), got.digest()), "the bytes arrived changed or out of order");
        assertEquals(1, conditions.size(), conditions.toString());
        assertTrue(conditions.get(0) instanceof TcpEof, conditions.toString());
    }

    /**
     * Records that arrive together are all read: OpenSSL's read-ahead takes them from the socket
     * in one read, and those after the first must not wait in its buffer for bytes that never
     * come. Here the client sends three records at once and waits for all three echoed, and the
     * server also pauses reading after the first and resumes later.
     */
    @Test
    void recordsThatArriveTogetherAreAllRead() {
        for (boolean pause : new boolean[] {false, true}) {
            StringBuilder echoed = new StringBuilder();
            List<Object> conditions = new ArrayList<>();
            EventLoop.run(loops.options(), loop -> {
                TcpServer[] server = new TcpServer[1];
                server[0] = loop.tcpServer("127.0.0.1", 0, (s, d) -> {
                    s.write(d);
                    if (pause) {
                        s.disable(true, false);
                        loop.delay(java.time.Duration.ofMillis(100), () -> s.enable(true, false));
                    }
                }, conditions::add, ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
                io.github.evasync.Event[] guard = new io.github.evasync.Event[1];
                TcpSocket client = loop.tcpConnect("localhost", server[0].port(), (c, d) -> {
                    echoed.append(new String(d, StandardCharsets.UTF_8));
                    if (echoed.length() == 9) {
                        guard[0].free();
                        c.close();
                        server[0].close();
                    }
                }, conditions::add, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca)).connectCallback(c -> {
                    c.write("one");
                    c.write("two");
                    c.write("six");
                }));
                // A stalled read would wait forever: give up after a while, and the test fails.
                guard[0] = loop.delay(java.time.Duration.ofSeconds(5), () -> {
                    client.close();
                    server[0].close();
                });
                Idle.atExit(loop);
            });
            assertEquals("onetwosix", echoed.toString(), "pause=" + pause);
            assertEquals(List.of(), conditions.stream().filter(c -> !(c instanceof TcpEof)).toList());
        }
    }

    /**
     * A TLS socket read through {@code ReadCallback.ofBuffer} keeps libevent's reading (OpenSSL
     * decrypts inside the bufferevent): the view shows plain bytes, and ends with its call.
     */
    @Test
    void aZeroCopyReaderSeesPlainBytesForTheCallOnly() {
        StringBuilder got = new StringBuilder();
        List<String> stale = new ArrayList<>();
        List<Object> conditions = new ArrayList<>();
        java.nio.ByteBuffer[] kept = new java.nio.ByteBuffer[1];
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> c.write(d), conditions::add,
                    ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
            loop.tcpConnect("localhost", s.port(), io.github.evasync.tcp.ReadCallback.ofBuffer((c, view) -> {
                if (kept[0] != null) {
                    try {
                        kept[0].get(0);
                        stale.add("no exception");
                    } catch (IllegalStateException e) {
                        stale.add("ended");
                    }
                }
                kept[0] = view;
                got.append(StandardCharsets.UTF_8.decode(view));
                if (got.length() == 2) {
                    c.write("b");
                } else if (got.length() == 3) {
                    c.close();
                    s.close();
                }
            }), conditions::add, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca)).data("ab"));
            Idle.atExit(loop);
        });
        assertEquals("abb", got.toString());
        assertEquals(List.of("ended"), stale);
        assertEquals(List.of(), conditions.stream().filter(c -> !(c instanceof TcpEof)).toList());
    }

    /**
     * An input stream asked for inside a zero-copy callback on a TLS socket starts after the bytes
     * the view showed, as on a plain socket: before, it read them again, and what it left unread
     * of them was dropped after the callback.
     */
    @Test
    void anInputStreamAskedForInAZeroCopyCallbackStartsAfterTheViewedBytes() {
        StringBuilder viewed = new StringBuilder();
        StringBuilder streamed = new StringBuilder();
        int[] availableAtFirst = {-1};
        List<Object> conditions = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> c.write(d), conditions::add,
                    ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
            java.io.InputStream[] in = new java.io.InputStream[1];
            loop.tcpConnect("localhost", s.port(), io.github.evasync.tcp.ReadCallback.ofBuffer((c, view) -> {
                try {
                    if (in[0] == null) {
                        viewed.append(StandardCharsets.UTF_8.decode(view));
                        in[0] = c.inputStream();
                        availableAtFirst[0] = in[0].available();
                        c.write("cd");
                        return;
                    }
                    for (int n; (n = in[0].available()) > 0; ) {
                        byte[] b = new byte[n];
                        streamed.append(new String(b, 0, in[0].read(b), StandardCharsets.UTF_8));
                    }
                    if (streamed.length() >= 2) {
                        c.close();
                        s.close();
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }), conditions::add, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca)).data("ab"));
            Idle.atExit(loop);
        });
        assertEquals("ab", viewed.toString());
        assertEquals(0, availableAtFirst[0], "the stream saw the viewed bytes again");
        assertEquals("cd", streamed.toString());
        assertEquals(List.of(), conditions.stream().filter(c -> !(c instanceof TcpEof)).toList());
    }

    private static byte[] pattern(int seed, int size) {
        byte[] b = new byte[size];
        java.util.Random r = new java.util.Random(seed);
        r.nextBytes(b);
        return b;
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** One exchange: {@return the client's and the server's sessions}, after an echo of "ping". */
    private TlsSession[] exchange(TlsOptions server, String host, TlsOptions client) {
        TlsSession[] sessions = new TlsSession[2];
        List<Object> conditions = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> {
                sessions[1] = c.tlsSession();
                c.write(d);
            }, conditions::add, ServerOptions.defaults().tls(server));
            loop.tcpConnect(host, s.port(), (c, d) -> {
                sessions[0] = c.tlsSession();
                c.close();
                s.close();
            }, conditions::add, TcpOptions.defaults().tls(client).data("ping"));
            Idle.atExit(loop);
        });
        assertEquals(List.of(), conditions.stream().filter(c -> !(c instanceof TcpEof)).toList());
        return sessions;
    }

    @Test
    void mutualTlsWithAClientCertificate() {
        TlsSession[] s = exchange(TlsOptions.server(certs.serverCert, certs.serverKey).requireClientCertificate(certs.ca),
                "localhost", TlsOptions.client().trust(certs.ca).clientCertificate(certs.clientCert, certs.clientKey));
        assertEquals("CN=evasync test client", s[1].peerCertificates().get(0).getSubjectX500Principal().getName());
        assertEquals("CN=localhost", s[0].peerCertificates().get(0).getSubjectX500Principal().getName());
    }

    @Test
    void alpnBothWays() {
        TlsOptions server = TlsOptions.server(certs.serverCert, certs.serverKey).alpn("h2", "http/1.1");
        TlsSession[] s = exchange(server, "localhost", TlsOptions.client().trust(certs.ca).alpn("http/1.1"));
        assertEquals("http/1.1", s[0].alpn());
        assertEquals("http/1.1", s[1].alpn());
        // The server's preference wins over the client's order.
        s = exchange(server, "localhost", TlsOptions.client().trust(certs.ca).alpn("http/1.1", "h2"));
        assertEquals("h2", s[0].alpn());
        assertEquals("h2", s[1].alpn());
        // A client that offers nothing gets no protocol, and no refusal.
        s = exchange(server, "localhost", TlsOptions.client().trust(certs.ca));
        assertNull(s[0].alpn());
    }

    @Test
    void anEncryptedKeyWithItsPasswordAndTls13Only() {
        TlsSession[] s = exchange(TlsOptions.server(certs.serverCert, certs.serverKeyEncrypted)
                        .keyPassword(TestCerts.KEY_PASSWORD).minVersion("TLSv1.3"), "127.0.0.1",
                TlsOptions.client().trust(certs.ca).minVersion("TLSv1.3"));
        assertEquals("TLSv1.3", s[0].protocol(), "the certificate names 127.0.0.1 too");
    }

    @Test
    void severalServersOnOneLoopWithTheirOwnCertificates() {
        List<String> subjects = new ArrayList<>();
        List<Object> conditions = new ArrayList<>();
        TlsOptions client = TlsOptions.client().trust(certs.ca);
        EventLoop.run(loops.options(), loop -> {
            TcpServer a = loop.tcpServer("127.0.0.1", 0, (c, d) -> c.write(d), conditions::add,
                    ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
            TcpServer b = loop.tcpServer("127.0.0.1", 0, (c, d) -> c.write(d), conditions::add,
                    ServerOptions.defaults().tls(TlsOptions.server(certs.otherCert, certs.otherKey)));
            int[] open = {2};
            Runnable done = () -> {
                if (--open[0] == 0) {
                    a.close();
                    b.close();
                }
            };
            loop.tcpConnect("localhost", a.port(), (c, d) -> {
                subjects.add("a " + c.tlsSession().peerCertificates().get(0).getSubjectX500Principal().getName());
                c.close();
                done.run();
            }, conditions::add, TcpOptions.defaults().tls(client).data("x"));
            // The host is an address; the name to check and send as SNI is set apart.
            loop.tcpConnect("127.0.0.1", b.port(), (c, d) -> {
                subjects.add("b " + c.tlsSession().peerCertificates().get(0).getSubjectX500Principal().getName());
                c.close();
                done.run();
            }, conditions::add, TcpOptions.defaults().tls(client.serverName("other.test")).data("x"));
            Idle.atExit(loop);
        });
        subjects.sort(null);
        assertEquals(List.of("a CN=localhost", "b CN=other.test"), subjects);
        assertEquals(List.of(), conditions.stream().filter(c -> !(c instanceof TcpEof)).toList());
    }

    /**
     * An accepted TLS socket's bufferevent is made with libevent's write side off (it only
     * watches for the ClientHello): writes the application disabled stay queued until it enables
     * them, and then go out, small and large alike, before and after a pause.
     */
    @Test
    void anAcceptedSocketWithWritesDisabledSendsWhatItQueuedOnceEnabled() {
        byte[] big = pattern(7, 3 * 1024 * 1024 + 11);
        java.security.MessageDigest sent = sha256();
        java.security.MessageDigest got = sha256();
        long[] received = {0};
        long[] beforeEnable = {-1};
        List<Object> conditions = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.tcpServer("127.0.0.1", 0, null, conditions::add,
                    ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)).connectCallback(s -> {
                        server[0].close();
                        s.disable(false, true);
                        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
                        sent.update(hello);
                        s.write(hello);
                        sent.update(big);
                        s.write(big);
                        loop.delay(java.time.Duration.ofMillis(200), () -> {
                            beforeEnable[0] = received[0];
                            s.enable(false, true);
                            loop.delay(java.time.Duration.ofMillis(100), () -> {
                                byte[] last = pattern(9, 1000);
                                sent.update(last);
                                s.write(last);
                                s.close();
                            });
                        });
                    }));
            loop.tcpConnect("localhost", server[0].port(), (c, d) -> {
                got.update(d);
                received[0] += d.length;
            }, ev -> {
                conditions.add(ev);
                if (ev instanceof TcpEof eof) {
                    eof.socket().close();
                }
            }, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca)));
            Idle.atExit(loop);
        });
        assertEquals(0, beforeEnable[0], "bytes went out while writes were disabled");
        assertEquals(5L + big.length + 1000, received[0]);
        assertTrue(java.util.Arrays.equals(sent.digest(), got.digest()), "the bytes arrived changed or out of order");
        assertEquals(1, conditions.size(), conditions.toString());
        assertTrue(conditions.get(0) instanceof TcpEof, conditions.toString());
    }

    @Test
    void aServersCloseIsACleanEofForTheClient() {
        List<String> got = new ArrayList<>();
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> {
                c.write("bye");
                c.close(); // flushes, then close_notify
            }, ev -> got.add("server " + ev), ServerOptions.defaults().tls(TlsOptions.server(certs.serverCert, certs.serverKey)));
            loop.tcpConnect("localhost", s.port(), (c, d) -> got.add(new String(d, StandardCharsets.UTF_8)), ev -> {
                got.add(ev.getClass().getSimpleName());
                s.close();
            }, TcpOptions.defaults().tls(TlsOptions.client().trust(certs.ca)).data("hi"));
            Idle.atExit(loop);
        });
        assertEquals(List.of("bye", "TcpEof"), got);
    }

    /**
     * Handshake after handshake on one loop, each socket freeing its SSL with its bufferevent:
     * the loop's counters are back to idle, and the only TLS contexts alive are the two the
     * options hold (every connection's reference was given back).
     */
    @Test
    void manyHandshakesLeaveTheLoopIdle() {
        int cycles = 300;
        int[] done = {0};
        List<Object> unexpected = new ArrayList<>();
        TlsOptions server = TlsOptions.server(certs.serverCert, certs.serverKey);
        TlsOptions client = TlsOptions.client().trust(certs.ca);
        int before = io.github.evasync.internal.ffi.TlsContext.live();
        EventLoop.run(loops.options(), loop -> {
            TcpServer s = loop.tcpServer("127.0.0.1", 0, (c, d) -> {
                c.write(d);
                c.close();
            }, ev -> {
                if (!(ev instanceof TcpEof)) {
                    unexpected.add(ev);
                }
            }, ServerOptions.defaults().tls(server));
            Runnable[] next = new Runnable[1];
            next[0] = () -> loop.tcpConnect("localhost", s.port(), (c, d) -> { }, ev -> {
                if (!(ev instanceof TcpEof)) {
                    unexpected.add(ev);
                }
                if (++done[0] < cycles) {
                    next[0].run();
                } else {
                    s.close();
                }
            }, TcpOptions.defaults().tls(client).data("x"));
            next[0].run();
            Idle.atExit(loop);
        });
        assertEquals(cycles, done[0]);
        assertEquals(List.of(), unexpected);
        assertTrue(io.github.evasync.internal.ffi.TlsContext.live() <= before + 2,
                "contexts alive: " + io.github.evasync.internal.ffi.TlsContext.live() + ", before: " + before);
    }
}
