package io.github.evasync.internal.redis;

import io.github.evasync.RedisError;
import io.github.evasync.redis.RedisTransaction;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A MULTI/EXEC transaction: its commands are encoded as they are added (into its own writer,
 * after a MULTI), and {@link #exec()} hands the whole block, EXEC included, to the client in one
 * piece, so nothing can come between its commands. In the client's queue it is one entry per
 * command ({@code TX_PART}: MULTI's OK, each QUEUED) and one for EXEC ({@code TX_EXEC}), all
 * pointing here.
 */
final class Transaction implements RedisTransaction {
    private static final byte[] MULTI = CommandWriter.head(1, "MULTI");
    private static final byte[] EXEC = CommandWriter.head(1, "EXEC");

    private final ClientImpl client;
    private final CommandWriter writer = new CommandWriter();
    private int commands;
    private boolean sent;
    /** The first error a queued command got (the reason for EXECABORT), or null. */
    private RedisError queuedError;
    final CompletableFuture<List<Object>> future = new CompletableFuture<>();

    Transaction(ClientImpl client) {
        this.client = client;
        writer.raw(MULTI);
    }

    @Override
    public RedisTransaction command(String... args) {
        ClientImpl.checkCommand(args);
        checkOpen();
        long mark = writer.position();
        try {
            writer.begin(args.length);
            for (String a : args) {
                writer.arg(Objects.requireNonNull(a, "argument"));
            }
        } catch (RuntimeException | Error e) {
            // Half a command in the block would desynchronise every reply after it.
            writer.truncate(mark);
            throw e;
        }
        commands++;
        return this;
    }

    @Override
    public RedisTransaction command(byte[]... args) {
        ClientImpl.checkCommand(args);
        checkOpen();
        long mark = writer.position();
        try {
            writer.begin(args.length);
            for (byte[] a : args) {
                writer.arg(Objects.requireNonNull(a, "argument"));
            }
        } catch (RuntimeException | Error e) {
            // Half a command in the block would desynchronise every reply after it.
            writer.truncate(mark);
            throw e;
        }
        commands++;
        return this;
    }

    @Override
    public int size() {
        return commands;
    }

    @Override
    public CompletableFuture<List<Object>> exec() {
        checkOpen();
        sent = true;
        writer.raw(EXEC);
        byte[] block = writer.toArray();
        client.sendTransaction(this, block, commands + 2);
        return future;
    }

    private void checkOpen() {
        if (sent) {
            throw new IllegalStateException("this transaction was already sent with exec()");
        }
    }

    /** MULTI's reply, or a command's QUEUED (or its error). */
    void part(Object reply) {
        if (reply instanceof RedisError e && queuedError == null) {
            queuedError = e;
        }
    }

    /** EXEC's reply. */
    @SuppressWarnings("unchecked")
    void done(Object reply) {
        if (reply instanceof RedisError e) {
            future.completeExceptionally(queuedError == null ? e
                    : new RedisError(-1, e.errmsg() + " First refused: " + queuedError.errmsg(), true));
        } else if (reply == null || reply instanceof List<?>) {
            future.complete((List<Object>) reply);
        } else {
            future.completeExceptionally(new RedisError(-1, "EXEC answered with a " + reply.getClass().getSimpleName()
                    + ", not an array", false));
        }
    }

    /** The transaction cannot complete (lost connection, timeout, closed client). */
    void fail(RedisError error) {
        future.completeExceptionally(error);
    }
}
