package io.github.evasync.internal.redis;

/**
 * The commands {@code client.command(...)} (and a transaction's {@code command}) refuse: those
 * that change what the shared command connection answers, or how, for every caller at once. The
 * client matches replies to commands by order, one reply each; a subscribe or {@code MONITOR}
 * turns the connection into a stream of messages, {@code CLIENT REPLY OFF|SKIP} makes commands
 * go unanswered, a raw {@code MULTI} makes other callers' commands answer {@code QUEUED},
 * {@code HELLO} with arguments and {@code RESET} change the protocol or the session under the parser, and
 * {@code SELECT} and {@code AUTH} change the database or the credentials of every caller and are
 * forgotten on a reconnect. Each is refused with the way to do it instead.
 *
 * <p>Names are compared without regard to ASCII case; the {@code byte[]} form is compared byte
 * by byte, allocating nothing on the accepted path.
 */
final class RefusedCommands {
    private RefusedCommands() {
    }

    private static final String SUBSCRIBE = " would turn the shared command connection into a pub/sub stream; use "
            + "client.subscribe(...) or client.psubscribe(...), which keep a connection of their own";

    /** Upper-case names refused whatever their arguments, and why. */
    private static final String[][] REFUSED = {
        {"SUBSCRIBE", SUBSCRIBE},
        {"PSUBSCRIBE", SUBSCRIBE},
        {"SSUBSCRIBE", SUBSCRIBE},
        {"UNSUBSCRIBE", SUBSCRIBE},
        {"PUNSUBSCRIBE", SUBSCRIBE},
        {"SUNSUBSCRIBE", SUBSCRIBE},
        {"MONITOR", " would turn the shared command connection into a stream of every command the server runs;"
                + " run it on a connection of its own (redis-cli monitor)"},
        {"MULTI", " on the shared connection would make other callers' commands answer QUEUED; use client.multi(),"
                + " which sends MULTI, the commands and EXEC in one piece"},
        {"EXEC", " belongs to a transaction; use client.multi() ... exec()"},
        {"DISCARD", " belongs to a transaction; use client.multi() (a transaction not exec()uted is never sent)"},
        {"SELECT", " would change the database of every caller and be forgotten on a reconnect; give the database"
                + " in the URI (redis://host:port/2)"},
        {"AUTH", " would change the credentials of every caller and be forgotten on a reconnect; give the user"
                + " and password in the URI (redis://user:password@host:port)"},
        {"RESET", " would reset the session of every caller (database, credentials, protocol); use client.close()"
                + " and connect again"},
        {"QUIT", " would close the connection under every caller's commands; use client.close()"},
        {"SYNC", " would turn the shared command connection into a replication stream"},
        {"PSYNC", " would turn the shared command connection into a replication stream"},
    };

    /** HELLO with arguments; alone it only reports the connection's state, and passes. */
    private static final String HELLO = "HELLO with arguments would change the protocol or the credentials under"
            + " the client; use RedisOptions.protocol(3) and the URI's user and password";

    private static final String NO_REPLY = " would leave commands without replies, and the client matches replies"
            + " to commands by order";

    /** {@return why {@code args} is refused, or null when it may be sent} */
    static String why(String[] args) {
        String name = args[0];
        for (String[] r : REFUSED) {
            if (name.equalsIgnoreCase(r[0])) {
                return r[0] + r[1];
            }
        }
        if (args.length >= 2 && name.equalsIgnoreCase("HELLO")) {
            return HELLO;
        }
        if (args.length >= 3 && name.equalsIgnoreCase("CLIENT") && args[1].equalsIgnoreCase("REPLY")
                && (args[2].equalsIgnoreCase("OFF") || args[2].equalsIgnoreCase("SKIP"))) {
            return "CLIENT REPLY " + args[2].toUpperCase(java.util.Locale.ROOT) + NO_REPLY;
        }
        return null;
    }

    /** {@return why {@code args} is refused, or null when it may be sent} */
    static String why(byte[][] args) {
        byte[] name = args[0];
        // Every refused name is 4 to 12 bytes long: most commands are passed over by length alone.
        if (name.length < 4 || name.length > 12) {
            return null;
        }
        for (String[] r : REFUSED) {
            if (is(name, r[0])) {
                return r[0] + r[1];
            }
        }
        if (args.length >= 2 && is(name, "HELLO")) {
            return HELLO;
        }
        if (args.length >= 3 && is(name, "CLIENT") && is(args[1], "REPLY")
                && (is(args[2], "OFF") || is(args[2], "SKIP"))) {
            return "CLIENT REPLY " + (is(args[2], "OFF") ? "OFF" : "SKIP") + NO_REPLY;
        }
        return null;
    }

    /** Whether {@code b} is the ASCII text {@code upper} (upper case), ignoring case. */
    private static boolean is(byte[] b, String upper) {
        if (b.length != upper.length()) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            int c = b[i];
            if (c >= 'a' && c <= 'z') {
                c -= 'a' - 'A';
            }
            if (c != upper.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
