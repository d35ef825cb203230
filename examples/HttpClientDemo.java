import io.github.evasync.*;

import java.util.List;

/**
 * Fetches a URL with the loop's HTTP client and prints the status, headers and body size.
 * Usage: HttpClientDemo http://127.0.0.1:8080/
 */
public class HttpClientDemo {
    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8080/";
        EventLoop.run(loop -> loop.httpClient(url, (status, headers, body) -> {
            System.out.println("status: " + status);
            for (String name : headers.names()) {
                List<String> values = headers.all(name);
                values.forEach(v -> System.out.println(name + ": " + v));
            }
            System.out.println("body: " + body.length + " bytes");
            loop.closeIdleHttpConnections();
        }, event -> System.out.println("failed: " + event)));
    }
}
