import io.github.evasync.*;
import io.github.evasync.redis.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis driver in one run: SET and GET, a thousand pipelined INCRs, an error reply, a
 * message from one client to another's subscription, and a MULTI/EXEC transaction; then both
 * clients close and the loop, with nothing left to do, ends.
 * Usage: RedisDemo [uri (default redis://127.0.0.1:6379)]
 * Try it: redis-server --port 6379 &, then mvn -q compile exec:exec -Dexample=RedisDemo
 */
public class RedisDemo {
    public static void main(String[] args) {
        String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        EventLoop.run(loop -> {
            RedisClient redis = RedisClient.connect(loop, uri, RedisOptions.defaults().clientName("redis-demo"));
            RedisClient listener = RedisClient.connect(loop, uri);

            redis.set("demo:greeting", "hello from evasync")
                    .thenCompose(ok -> redis.get("demo:greeting"))
                    .thenAccept(v -> System.out.println("GET demo:greeting -> " + new String(v, StandardCharsets.UTF_8)));

            // Issued without waiting: they leave in one write and their answers come in order.
            redis.del("demo:counter");
            CompletableFuture<Long> last = null;
            for (int i = 0; i < 1000; i++) {
                last = redis.incr("demo:counter");
            }
            last.thenAccept(n -> System.out.println("1000 pipelined INCRs -> " + n));

            redis.command("NOSUCHCOMMAND").whenComplete((r, e) ->
                    System.out.println("an error reply -> " + ((RedisError) e).errmsg()));

            // The callback form, in the style of cl-async.
            redis.command(reply -> System.out.println("PING -> " + reply),
                    ev -> System.err.println("PING failed: " + ev), "PING");

            RedisSubscription news = listener.subscribe("demo:news", (channel, message) -> {
                System.out.println("message on " + channel + " -> " + new String(message, StandardCharsets.UTF_8));
                redis.multi().command("INCR", "demo:tx").command("GET", "demo:tx").exec().thenAccept(results -> {
                    System.out.println("MULTI/EXEC -> " + results.get(0) + ", "
                            + new String((byte[]) results.get(1), StandardCharsets.UTF_8));
                    redis.del("demo:tx", "demo:counter", "demo:greeting").thenRun(() -> {
                        listener.close();
                        redis.close();
                    });
                });
            });
            news.ready().thenCompose(s -> redis.publish("demo:news", "published by the other client"));
        });
        System.out.println("redis demo done");
    }
}
