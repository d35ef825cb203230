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

    private static String text(EventLoop loop, String uri, HttpClientOptions o) throws Exception {
        HttpResponse r = loop.http(new HttpRequestSpec(uri, o)).get(10, TimeUnit.SECONDS);
        return r.bodyText();
    }
}
