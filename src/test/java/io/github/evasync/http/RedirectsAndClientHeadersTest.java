package io.github.evasync.http;

import io.github.evasync.EventLoop;
import io.github.evasync.Idle;
import io.github.evasync.TestLoops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code HttpClientOptions.followRedirects(max)} and {@code headers(Headers)}: redirects are
 * followed up to the limit (303 and a POST's 301/302 as GET, 307 keeping method and body,
 * credentials dropped for another origin), and repeated request fields go out in order.
 */
@Timeout(60)
class RedirectsAndClientHeadersTest {
    @RegisterExtension
    final TestLoops loops = new TestLoops();

    @Test
    void redirectsAreFollowedUpToTheLimitAndRepeatedFieldsGoOut() throws Exception {
        EventLoop loop = loops.start();
        HttpServer other = loop.httpServer("127.0.0.1", 0,
                req -> req.respond(200, null, "other cookie=" + req.headers().get("Cookie")
                        + " auth=" + req.headers().get("Authorization") + " keep=" + req.headers().get("X-Keep")), null);
        HttpServer server = loop.httpServer("127.0.0.1", 0, req -> {
            String body = new String(req.body(), StandardCharsets.UTF_8);
            switch (req.resource()) {
                case "/a" -> req.respond(302, Headers.of("Location", "/b"), "");
                case "/b" -> req.respond(200, null, req.method() + " b " + body);
                case "/loop" -> req.respond(302, Headers.of("Location", "/loop"), "again");
                case "/see-other" -> req.respond(303, Headers.of("Location", "/b"), "");
                case "/temporary" -> req.respond(307, Headers.of("Location", "/b"), "");
                case "/away" -> req.respond(301, Headers.of("Location", "http://127.0.0.1:" + other.port() + "/c"), "");
                case "/accept" -> req.respond(200, null, String.join("|", req.headers().all("Accept")));
                default -> req.respond(404, null, "");
            }
        }, null);
        String base = "http://127.0.0.1:" + server.port();
        HttpClientOptions follow = HttpClientOptions.defaults().followRedirects(5);
        assertEquals("GET b ", text(loop, base + "/a", follow));
        assertEquals(302, loop.http(HttpRequestSpec.get(base + "/a")).get(10, TimeUnit.SECONDS).status(),
                "by default a 3xx is the answer");
        HttpResponse looped = loop.http(new HttpRequestSpec(base + "/loop", follow)).get(10, TimeUnit.SECONDS);
        assertEquals(302, looped.status(), "past the limit the last 3xx is the answer");
        assertEquals("again", looped.bodyText());
        assertEquals("GET b ", text(loop, base + "/see-other", follow.method("POST").body("data")));
        assertEquals("POST b data", text(loop, base + "/temporary", follow.method("POST").body("data")));
        assertEquals("other cookie=null auth=null keep=yes", text(loop, base + "/away",
                follow.header("Cookie", "c=1").header("Authorization", "Basic eA==").header("X-Keep", "yes")));
        assertEquals("text/html|application/json", text(loop, base + "/accept",
                HttpClientOptions.defaults().headers(Headers.of("Accept", "text/html", "Accept", "application/json"))));
        assertThrows(IllegalArgumentException.class, () -> HttpClientOptions.defaults().followRedirects(-1));
        server.close();
        other.close();
        loop.closeIdleHttpConnections();
        Idle.awaitIdle(loop);
        loop.close();
    }

    /**
     * A request's fields are checked as the server checks an answer's: a name with a space
     * ("Transfer-Encoding " got past the framing filter and went out beside Content-Length, a
     * smuggling pair for a lenient server), an empty name, a control character or a character
     * HTTP/1.1 cannot carry (it went out as '?'), and a method that is not a token.
     */
    @Test
    void fieldsAndMethodsThatAreNotHttpAreRefused() {
        HttpClientOptions o = HttpClientOptions.defaults();
        for (String name : new String[] {"Transfer-Encoding ", "X Bad", "X:Y", "", "Caf\u00e9"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.header(name, "v"), name);
            assertTrue(e.getMessage().startsWith("header name is not a token"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> o.headers(java.util.Map.of(name, "v")), name);
        }
        for (String value : new String[] {"a\u0001b", "\u007f", "\u20ac", "a\r\nX: y"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.header("X-V", value), value);
            assertTrue(e.getMessage().startsWith("header value of X-V"), e.getMessage());
        }
        assertEquals("a\tb caf\u00e9", o.header("X-V", "a\tb caf\u00e9").headers().get("X-V"));
        assertThrows(IllegalArgumentException.class, () -> o.method("GET:"));
        assertThrows(IllegalArgumentException.class, () -> o.method("G(T"));
    }

    private static String text(EventLoop loop, String uri, HttpClientOptions o) throws Exception {
        HttpResponse r = loop.http(new HttpRequestSpec(uri, o)).get(10, TimeUnit.SECONDS);
        return r.bodyText();
    }
}
