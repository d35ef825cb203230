package io.github.evasync.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI for the TLS tests, made once per test JVM with the {@code openssl} command line
 * tool in a temporary directory: a CA, server certificates it signed (for {@code localhost} and
 * 127.0.0.1, and for {@code other.test}), a client certificate, an encrypted copy of a server
 * key, and a second, untrusted CA with a server certificate of its own. EC P-256 keys, so that
 * making them takes milliseconds.
 */
public final class TestCerts {
    public static final String KEY_PASSWORD = "correct horse";

    public final Path dir;
    public final Path ca;
    public final Path serverCert;
    public final Path serverKey;
    public final Path serverKeyEncrypted;
    public final Path otherCert;
    public final Path otherKey;
    public final Path clientCert;
    public final Path clientKey;
    public final Path untrustedCa;
    public final Path untrustedCert;
    public final Path untrustedKey;

    private static TestCerts made;

    /** {@return the certificates, made on the first call} */
    public static synchronized TestCerts get() {
        if (made == null) {
            try {
                made = new TestCerts(Files.createTempDirectory("evasync-tls"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return made;
    }

    private TestCerts(Path dir) throws IOException {
        this.dir = dir;
        dir.toFile().deleteOnExit();
        ca = selfSigned("ca", "evasync test CA");
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server.key");
        signed("server", "localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth", "ca");
        serverKeyEncrypted = dir.resolve("server-encrypted.key");
        openssl("pkey", "-in", serverKey.toString(), "-aes256", "-passout", "pass:" + KEY_PASSWORD,
                "-out", serverKeyEncrypted.toString());
        otherCert = dir.resolve("other.pem");
        otherKey = dir.resolve("other.key");
        signed("other", "other.test", "DNS:other.test", "serverAuth", "ca");
        clientCert = dir.resolve("client.pem");
        clientKey = dir.resolve("client.key");
        signed("client", "evasync test client", "DNS:client.test", "clientAuth", "ca");
        untrustedCa = selfSigned("untrusted-ca", "somebody else's CA");
        untrustedCert = dir.resolve("untrusted.pem");
        untrustedKey = dir.resolve("untrusted.key");
        signed("untrusted", "localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth", "untrusted-ca");
        for (Path p : List.of(dir.toFile().listFiles()).stream().map(java.io.File::toPath).toList()) {
            p.toFile().deleteOnExit();
        }
    }

    private Path selfSigned(String name, String cn) {
        Path cert = dir.resolve(name + ".pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=" + cn, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return cert;
    }

    private void signed(String name, String cn, String san, String usage, String caName) {
        Path ext = dir.resolve(name + ".ext");
        try {
            Files.writeString(ext, "subjectAltName=" + san + "\nbasicConstraints=CA:FALSE\n"
                    + "keyUsage=critical,digitalSignature\nextendedKeyUsage=" + usage + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path csr = dir.resolve(name + ".csr");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", dir.resolve(caName + ".pem").toString(),
                "-CAkey", dir.resolve(caName + ".key").toString(), "-CAcreateserial",
                "-out", dir.resolve(name + ".pem").toString(), "-days", "2", "-extfile", ext.toString());
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("the TLS tests need the openssl command (bin/test-peers installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JDK TLS client context that trusts this CA: a plain-Java peer for the servers under test. */
    public javax.net.ssl.SSLContext jdkClientContext() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        ks.load(null);
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(ca)) {
            ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory
                .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
