package io.github.evasync.bench.redis;

import io.github.evasync.EventHandler;
import io.github.evasync.EventLoop;
import io.github.evasync.redis.RedisClient;
import io.github.evasync.redis.ReplyCallback;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The evasync side of {@code bench/redis.sh}: every connection a {@link RedisClient} on one loop
 * (one thread), commands issued in the callback form with argument arrays made once (the
 * client encodes them as they are issued, so they can be reused).
 */
public final class EvasyncRedisLoad {
    private EvasyncRedisLoad() {
    }

    /** One connection's closed loop of {@code depth} outstanding commands. */
    static final class Driver implements ReplyCallback, EventHandler {
        final RedisClient client;
        final byte[][] args;
        boolean running = true;
        long done;
        long errors;
        int outstanding;

        Driver(RedisClient client, byte[][] args) {
            this.client = client;
            this.args = args;
        }

        void issue() {
            outstanding++;
            client.command(this, this, args);
        }

        @Override
        public void onReply(Object reply) {
            outstanding--;
            done++;
            next();
        }

        @Override
        public void onEvent(Exception event) {
            outstanding--;
            errors++;
            next();
        }

        private void next() {
            if (running) {
                issue();
            } else if (outstanding == 0) {
                client.close();
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        LoadSpec spec = LoadSpec.parse(argv);
        byte[][] args = spec.set()
                ? new byte[][] {"SET".getBytes(), spec.key(), spec.value()}
                : new byte[][] {"GET".getBytes(), spec.key()};
        Driver[] drivers = new Driver[spec.connections()];
        long[] mark = new long[4];
        CompletableFuture<String> result = new CompletableFuture<>();
        EventLoop.run(loop -> {
            String uri = "redis://" + spec.host() + ":" + spec.port();
            RedisClient first = RedisClient.connect(loop, uri);
            first.set(new String(spec.key()), spec.value()).thenRun(() -> {
                first.close();
                for (int i = 0; i < drivers.length; i++) {
                    drivers[i] = new Driver(RedisClient.connect(loop, uri), args);
                    for (int d = 0; d < spec.depth(); d++) {
                        drivers[i].issue();
                    }
                }
                loop.delay(Duration.ofSeconds(spec.warmup()), () -> {
                    mark[0] = total(drivers);
                    mark[1] = System.nanoTime();
                    mark[2] = LoadSpec.cpuNanos();
                    loop.delay(Duration.ofSeconds(spec.seconds()), () -> {
                        long ops = total(drivers) - mark[0];
                        long nanos = System.nanoTime() - mark[1];
                        long cpu = LoadSpec.cpuNanos() - mark[2];
                        long errors = 0;
                        for (Driver d : drivers) {
                            d.running = false;
                            errors += d.errors;
                        }
                        result.complete(spec.report("evasync", ops, nanos, cpu, errors));
                    });
                });
            });
        });
        System.out.println(result.getNow("no result"));
    }

    static long total(Driver[] drivers) {
        long n = 0;
        for (Driver d : drivers) {
            n += d.done;
        }
        return n;
    }
}
