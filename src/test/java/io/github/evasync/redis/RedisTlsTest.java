package io.github.evasync.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.RedisError;
import io.github.evasync.TestLoops;
import io.github.evasync.tls.TestCerts;
import io.github.evasync.tls.TlsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.evasync.redis.RedisCommandsTest.await;
import static io.github.evasync.redis.RedisCommandsTest.failure;
import static io.github.evasync.redis.RedisCommandsTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rediss://}: redis-server's own TLS port, the test CA trusted, and an untrusted chain refused. */
@Timeout(120)
class RedisTlsTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void overTls() throws Exception {
        TestCerts certs = TestCerts.get();
        int tlsPort = RedisServer.freePort();
        try (RedisServer server = RedisServer.start("--tls-port", String.valueOf(tlsPort),
                "--tls-cert-file", certs.serverCert.toString(), "--tls-key-file", certs.serverKey.toString(),
                "--tls-ca-cert-file", certs.ca.toString(), "--tls-auth-clients", "no");
             EventLoop loop = loops.start()) {
            String uri = "rediss://localhost:" + tlsPort + "/1";
            RedisClient redis = RedisClient.connect(loop, uri, TlsOptions.client().trust(certs.ca));
            assertEquals("OK", await(redis.set("tls:k", "secret")));
            assertEquals("secret", utf8(await(redis.get("tls:k"))));
            assertEquals("secret", server.cli("-n", "1", "GET", "tls:k"));
            byte[] big = new byte[3 * 1024 * 1024];
            java.util.Arrays.fill(big, (byte) 'z');
            await(redis.set("tls:big", big));
            assertEquals(big.length, await(redis.get("tls:big")).length);
            // The system CA store does not know the test CA: the handshake fails, the client closes.
            RedisClient untrusting = RedisClient.connect(loop, uri);
            RedisError e = failure(untrusting.ready());
            assertTrue(e.errmsg().contains("certificate verify failed"), e.errmsg());
            redis.close();
            io.github.evasync.Await.until("closed", untrusting::isClosed);
            Idle.awaitIdle(loop);
        }
    }
}
