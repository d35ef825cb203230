package io.github.evasync.redis;

/**
 * Receives the reply to a command issued with
 * {@link RedisClient#command(ReplyCallback, io.github.evasync.EventHandler, String...)}, on the
 * loop thread. An error reply goes to the command's {@code EventHandler} instead, as a
 * {@link io.github.evasync.RedisError}.
 */
@FunctionalInterface
public interface ReplyCallback {
    /**
     * Handles a reply.
     *
     * @param reply the reply: see {@link RedisClient} for the Java type of each kind
     */
    void onReply(Object reply);
}
