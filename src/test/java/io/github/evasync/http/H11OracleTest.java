package io.github.evasync.http;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link StrictParsingTest}'s table against an independent parser: python3's h11 (Debian's
 * {@code python3-h11}), as a server, fed each request and its canary at once by
 * {@code h11_oracle.py}. h11 must give the answers evasync gives (the same statuses, the
 * canary answered or not), except for the {@link #DIFFERENCES} listed below, each with its
 * reason; a listed difference that h11 no longer shows fails too, so the list stays true.
 * The differences are those of h11 0.14.0 (Debian 12's). Without /usr/bin/python3 or h11 the
 * test fails, it is never skipped: {@code apt-get install python3-h11}.
 */
@Timeout(60)
class H11OracleTest {
    static final String PYTHON = "/usr/bin/python3";
    static final String INSTALL = "apt-get install python3-h11 (h11 for Debian's " + PYTHON + ")";

    /** What h11 answers where evasync answers otherwise: h11's statuses, and why. */
    record Difference(List<Integer> h11, String reason) {
    }

    static final Map<String, Difference> DIFFERENCES = differences();

    static Map<String, Difference> differences() {
        Map<String, Difference> d = new LinkedHashMap<>();

        // Both refuse, with another status.
        differ(d, List.of(501), "h11 answers 501 (a coding not implemented) to any Transfer-Encoding but one field"
                        + " that is exactly 'chunked'; evasync answers 400 where chunked is not the last coding or the"
                        + " field is malformed (RFC 9112 6.3: the length cannot be known), and 501 only after"
                        + " a well-formed list ending in chunked",
                "gzip only",
                "chunked, then gzip",
                "chunked, then identity in a second field",
                "chunked with a parameter",
                "empty Transfer-Encoding",
                "100-continue with an unknown coding");

        // h11 takes what evasync refuses.
        differ(d, List.of(200, 200), "h11 checks that Host is there once, not its value; evasync refuses a value"
                        + " that is not uri-host [\":\" port] with 400 (RFC 9112 3.2, RFC 3986 3.2.2)",
                "Host with a space",
                "Host as a list",
                "Host with userinfo",
                "Host with a path",
                "Host with a bad port");
        differ(d, List.of(200, 200), "h11 takes any visible bytes as the request target and leaves its form to the"
                        + " application; evasync checks it against the method (RFC 9112 3.2: origin form, absolute"
                        + " form of an http(s) URI with a host and no user information per RFC 9110 4.2, * for"
                        + " OPTIONS) and refuses the rest with 400",
                "a relative target",
                "a target of another scheme",
                "a scheme without //",
                "an absolute target without a host",
                "an absolute target with user information",
                "an absolute target with a bad port",
                "an absolute target with a port and no host",
                "an authority target for GET",
                "* for GET");
        differ(d, List.of(200, 200), "h11's field-vchar is any byte but NUL and whitespace ([^\\x00\\s] in"
                        + " _abnf.py), so SOH, DEL and the other controls pass; RFC 9110 5.5 allows VCHAR, obs-text,"
                        + " SP and HTAB only, and evasync refuses the rest",
                "SOH in a value",
                "DEL in a value",
                "control character in a trailer");
        differ(d, List.of(200, 200), "h11 takes a bare LF as a line end in the head (RFC 9112 2.2 lets a recipient);"
                        + " evasync refuses it, a line end that a front proxy and a back end can read differently",
                "bare LF line ends");
        differ(d, List.of(200, 200), "h11 frames a request with both Content-Length and Transfer-Encoding by the"
                        + " latter, as RFC 9112 6.3 allows, but keeps the connection where 6.3 says it MUST close it:"
                        + " in CL.TE the canary, behind the 'G' a Content-Length front end sent as body, is answered"
                        + " as 'GGET /canary', the desync this case is about; evasync refuses both orders",
                "Content-Length then Transfer-Encoding (CL.TE)",
                "Transfer-Encoding then Content-Length (TE.CL)");
        differ(d, List.of(200), "RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing and"
                        + " the connection closes after it; h11 reads the chunked body, answers and closes (it keeps no"
                        + " HTTP/1.0 connection), evasync refuses the request; the canary is answered by neither",
                "Transfer-Encoding in HTTP/1.0, kept alive",
                "Transfer-Encoding in HTTP/1.0, with Content-Length");
        differ(d, List.of(100), "the 413 is the table's server's maxBodyBytes(1024), a limit of the application"
                        + " that h11 does not have: h11 lets the client go on and waits for the 2000 bytes",
                "100-continue with a body over the limit");
        differ(d, List.of(100, 400), "h11 takes the chunked framing of a head with both framings and lets the"
                        + " client go on with a 100 before the body proves bad (the canary read as a chunk size);"
                        + " evasync refuses the head, before any 100",
                "100-continue with both framings");

        // h11 refuses or closes what evasync takes.
        differ(d, List.of(200), "h11 keeps no HTTP/1.0 connection, Connection: keep-alive or not (_keep_alive in"
                        + " _connection.py), so it answers the request and closes before the canary; RFC 9112 9.3"
                        + " lets the connection persist, as evasync does",
                "HTTP/1.0 without Host, kept alive");
        differ(d, List.of(400), "h11 wants ';' right after the chunk size (chunk_ext = ';.*'), refusing the BWS"
                        + " that RFC 9112 7.1.1 allows before it: chunk-ext = *( BWS \";\" BWS chunk-ext-name ... )",
                "chunked with an extension after HTAB and a trailer");
        return d;
    }

    static void differ(Map<String, Difference> d, List<Integer> h11, String reason, String... names) {
        for (String name : names) {
            assertTrue(d.put(name, new Difference(h11, reason)) == null, "listed once: " + name);
        }
    }

    /** h11's answers to one case, as h11_oracle.py prints them. */
    record H11(List<Integer> statuses, String note) {
    }

    static Map<String, H11> h11;

    @BeforeAll
    static void runH11() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing: " + INSTALL);
        }
        Path dir = Files.createTempDirectory("evasync-h11");
        try {
            Path script = dir.resolve("h11_oracle.py");
            try (InputStream in = H11OracleTest.class.getResourceAsStream("/h11_oracle.py")) {
                assertNotNull(in, "h11_oracle.py among the test resources");
                Files.copy(in, script);
            }
            StringBuilder input = new StringBuilder();
            for (StrictParsingTest.Case c : StrictParsingTest.cases()) {
                assertTrue(!c.name().contains("\t") && !c.name().contains("\n"), c.name());
                byte[] bytes = (c.request() + StrictParsingTest.CANARY).getBytes(StandardCharsets.ISO_8859_1);
                input.append(c.name()).append('\t').append(Base64.getEncoder().encodeToString(bytes)).append('\n');
            }
            Path cases = dir.resolve("cases.txt");
            Files.writeString(cases, input, StandardCharsets.US_ASCII);
            Process p = new ProcessBuilder(PYTHON, script.toString(), cases.toString())
                    .redirectError(dir.resolve("stderr.txt").toFile())
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "h11_oracle.py ends");
            String err = Files.readString(dir.resolve("stderr.txt"));
            if (p.exitValue() == 3) {
                fail("h11 cannot be imported: " + INSTALL + "\n" + err);
            }
            assertEquals(0, p.exitValue(), "h11_oracle.py: " + err + out);
            Map<String, H11> got = new HashMap<>();
            for (String line : out.split("\n")) {
                String[] f = line.split("\t", -1);
                assertEquals(3, f.length, "a line of h11_oracle.py: " + line);
                List<Integer> statuses = new ArrayList<>();
                if (!f[1].equals("-")) {
                    for (String s : f[1].split(",")) {
                        statuses.add(Integer.parseInt(s));
                    }
                }
                got.put(f[0], new H11(statuses, f[2]));
            }
            h11 = got;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static List<StrictParsingTest.Case> cases() {
        return StrictParsingTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void h11AnswersAsEvasyncDoes(StrictParsingTest.Case c) {
        H11 got = h11.get(c.name());
        assertNotNull(got, "h11_oracle.py answered " + c.name());
        String seen = c.name() + ": h11 " + got.statuses() + " (" + got.note() + "), evasync " + c.statuses();
        Difference known = DIFFERENCES.get(c.name());
        if (known == null) {
            assertEquals(c.statuses(), got.statuses(), seen);
            if (c.statuses().get(c.statuses().size() - 1) == 200) {
                assertTrue(got.note().contains("200 for 'GET /canary'"), "the canary is answered last: " + seen);
            }
        } else {
            assertNotEquals(c.statuses(), got.statuses(), "no longer a difference: " + seen);
            assertEquals(known.h11(), got.statuses(), "the difference listed (" + known.reason() + "): " + seen);
        }
    }

    @Test
    void everyDifferenceIsACase() {
        List<String> names = StrictParsingTest.cases().stream().map(StrictParsingTest.Case::name).toList();
        for (String name : DIFFERENCES.keySet()) {
            assertTrue(names.contains(name), "a case named " + name);
        }
    }
}
