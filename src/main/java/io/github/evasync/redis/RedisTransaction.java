package io.github.evasync.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A MULTI/EXEC transaction being put together ({@link RedisClient#multi()}): commands are only
 * collected (and encoded) here; {@link #exec()} sends MULTI, them and EXEC together, as one unit
 * that no other command of the client can come between. Not thread-safe: build it on one thread.
 * <pre>{@code
 * client.multi().command("INCR", "a").command("GET", "a").exec()
 *       .thenAccept(results -> System.out.println(results)); // [1, [B@...]
 * }</pre>
 */
public interface RedisTransaction {
    /**
     * Adds a command.
     *
     * @param args the command and its arguments
     * @return this transaction
     * @throws IllegalStateException once {@link #exec()} was called
     * @throws IllegalArgumentException for a command {@link RedisClient#command(String...)} refuses
     */
    RedisTransaction command(String... args);

    /**
     * Adds a command with binary arguments.
     *
     * @param args the command and its arguments
     * @return this transaction
     * @throws IllegalStateException once {@link #exec()} was called
     * @throws IllegalArgumentException for a command {@link RedisClient#command(String...)} refuses
     */
    RedisTransaction command(byte[]... args);

    /** {@return how many commands were added} */
    int size();

    /**
     * Sends the transaction. The future completes with EXEC's reply: one element per command,
     * an error reply of a command as a {@link io.github.evasync.RedisError} element; with null
     * when a {@code WATCH}ed key changed and the server ran nothing; exceptionally with the
     * server's {@code EXECABORT} error when it refused a command as it was queued, or with a
     * {@code RedisError} when the connection failed.
     *
     * @return the results
     * @throws IllegalStateException when called twice
     */
    CompletableFuture<List<Object>> exec();
}
