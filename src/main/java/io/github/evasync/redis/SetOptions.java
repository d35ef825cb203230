package io.github.evasync.redis;

/**
 * The options of {@code SET}: an expiry ({@code EX} seconds or {@code PX} milliseconds) and a
 * condition ({@code NX}: only when absent, {@code XX}: only when present). Immutable, built by
 * chaining from {@link #defaults()}; a later expiry replaces an earlier one, likewise the
 * condition.
 * <pre>{@code
 * client.set("session", token, SetOptions.defaults().ex(300).nx()); // "OK", or null when it existed
 * }</pre>
 */
public final class SetOptions {
    private static final SetOptions DEFAULTS = new SetOptions(null, 0, null);

    private final String expiry;
    private final long amount;
    private final String condition;

    private SetOptions(String expiry, long amount, String condition) {
        this.expiry = expiry;
        this.amount = amount;
        this.condition = condition;
    }

    /** {@return no expiry, no condition: a plain SET} */
    public static SetOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Expires the key after {@code seconds} ({@code EX}).
     *
     * @param seconds at least 1
     * @return options with this expiry
     */
    public SetOptions ex(long seconds) {
        return new SetOptions("EX", positive(seconds, "ex"), condition);
    }

    /**
     * Expires the key after {@code millis} ({@code PX}).
     *
     * @param millis at least 1
     * @return options with this expiry
     */
    public SetOptions px(long millis) {
        return new SetOptions("PX", positive(millis, "px"), condition);
    }

    /** {@return options that set the key only when it does not exist ({@code NX}); SET then answers null when it did} */
    public SetOptions nx() {
        return new SetOptions(expiry, amount, "NX");
    }

    /** {@return options that set the key only when it exists ({@code XX}); SET then answers null when it did not} */
    public SetOptions xx() {
        return new SetOptions(expiry, amount, "XX");
    }

    /** {@return {@code "EX"}, {@code "PX"} or null} */
    public String expiry() {
        return expiry;
    }

    /** {@return the seconds or milliseconds of the expiry, 0 without one} */
    public long expiryAmount() {
        return amount;
    }

    /** {@return {@code "NX"}, {@code "XX"} or null} */
    public String condition() {
        return condition;
    }

    /** {@return how many arguments these options add to SET} */
    public int argumentCount() {
        return (expiry == null ? 0 : 2) + (condition == null ? 0 : 1);
    }

    @Override
    public String toString() {
        return "SetOptions[" + (expiry == null ? "" : expiry + " " + amount) + (condition == null ? "" : " " + condition) + "]";
    }

    private static long positive(long v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + v);
        }
        return v;
    }
}
