package io.github.evasync.bench.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The Lettuce side of {@code bench/redis.sh}: Lettuce 7's async API, one {@code RedisClient}
 * and a {@code ByteArrayCodec} connection per connection, in one of two ways:
 * <ul>
 * <li>by default, with Lettuce's defaults (commands flushed as issued), each reply's
 * {@code whenComplete} issuing the next command: {@code depth} commands always outstanding;</li>
 * <li>with {@code -Dlettuce.batch=true}, as Lettuce's documentation advises for pipelining:
 * auto-flush off, {@code depth} commands issued and then one {@code flushCommands()}, the next
 * batch once all of its replies are in (what {@code redis-benchmark -P depth} does).</li>
 * </ul>
 */
public final class LettuceRedisLoad {
    private LettuceRedisLoad() {
    }

    /** One connection's closed loop of {@code depth} outstanding commands. */
    static final class Driver implements BiConsumer<Object, Throwable> {
        final RedisAsyncCommands<byte[], byte[]> async;
        final boolean set;
        final byte[] key;
        final byte[] value;
        volatile boolean running = true;
        final AtomicLong done = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong outstanding = new AtomicLong();
        /** Batch mode: the connection to flush, and how many commands make a batch; else null. */
        final StatefulRedisConnection<byte[], byte[]> batchOf;
        final int depth;

        Driver(StatefulRedisConnection<byte[], byte[]> conn, boolean batch, int depth, boolean set, byte[] key,
               byte[] value) {
            this.async = conn.async();
            this.batchOf = batch ? conn : null;
            this.depth = depth;
            this.set = set;
            this.key = key;
            this.value = value;
            if (batch) {
                conn.setAutoFlushCommands(false);
            }
        }

        /** Starts the driver: {@code depth} commands, flushed once in batch mode. */
        void start() {
            for (int i = 0; i < depth; i++) {
                issue();
            }
            if (batchOf != null) {
                batchOf.flushCommands();
            }
        }

        void issue() {
            outstanding.incrementAndGet();
            RedisFuture<?> f = set ? async.set(key, value) : async.get(key);
            f.whenComplete(this);
        }

        @Override
        public void accept(Object reply, Throwable failure) {
            long left = outstanding.decrementAndGet();
            if (failure != null) {
                errors.incrementAndGet();
            } else {
                done.incrementAndGet();
            }
            if (!running) {
                return;
            }
            if (batchOf == null) {
                issue();
            } else if (left == 0) {
                start();
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        LoadSpec spec = LoadSpec.parse(argv);
        RedisClient client = RedisClient.create(RedisURI.create(spec.host(), spec.port()));
        List<StatefulRedisConnection<byte[], byte[]>> conns = new ArrayList<>();
        List<Driver> drivers = new ArrayList<>();
        boolean batch = Boolean.getBoolean("lettuce.batch");
        StatefulRedisConnection<byte[], byte[]> setup = client.connect(ByteArrayCodec.INSTANCE);
        setup.sync().set(spec.key(), spec.value());
        setup.close();
        for (int i = 0; i < spec.connections(); i++) {
            StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
            conns.add(c);
            drivers.add(new Driver(c, batch, spec.depth(), spec.set(), spec.key(), spec.value()));
        }
        for (Driver d : drivers) {
            d.start();
        }
        Thread.sleep(spec.warmup() * 1000L);
        long ops0 = total(drivers);
        long t0 = System.nanoTime();
        long cpu0 = LoadSpec.cpuNanos();
        Thread.sleep(spec.seconds() * 1000L);
        long ops = total(drivers) - ops0;
        long nanos = System.nanoTime() - t0;
        long cpu = LoadSpec.cpuNanos() - cpu0;
        long errors = 0;
        for (Driver d : drivers) {
            d.running = false;
            errors += d.errors.get();
        }
        System.out.println(spec.report(batch ? "lettuce-batch" : "lettuce", ops, nanos, cpu, errors));
        for (Driver d : drivers) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (d.outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
        for (StatefulRedisConnection<byte[], byte[]> c : conns) {
            c.close();
        }
        client.shutdown();
    }

    static long total(List<Driver> drivers) {
        long n = 0;
        for (Driver d : drivers) {
            n += d.done.get();
        }
        return n;
    }
}
