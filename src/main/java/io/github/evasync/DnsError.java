package io.github.evasync;

/**
 * A DNS lookup failed (cl-async's {@code dns-error}): no such name, no answer, or a timeout.
 * {@link #errcode()} is libevent's {@code EVUTIL_EAI_*} code and {@link #errmsg()} its
 * {@code evutil_gai_strerror} text (or evasync's, with code -1, when the lookup could not start);
 * {@link #getMessage()} names the {@link #host()} before them.
 */
public final class DnsError extends ConnectionError {
    /** The name that was looked up. */
    private final String host;

    /**
     * Makes the condition.
     *
     * @param host the name that was looked up
     * @param errcode libevent's error code
     * @param errmsg libevent's text for it
     */
    public DnsError(String host, int errcode, String errmsg) {
        // errmsg() is libevent's text alone, as API.md says; the message names the host too.
        super(host, errcode, errmsg, false);
        this.host = host;
    }

    /** {@return the name that was looked up} */
    public String host() {
        return host;
    }
}
