package io.github.evasync;

/** An HTTP connection was refused (cl-async's {@code http-refused}). */
public final class HttpRefused extends HttpError {
    /**
     * Makes the condition.
     *
     * @param errcode errno, or -1 when evasync made the error
     * @param errmsg the error's text
     */
    public HttpRefused(int errcode, String errmsg) {
        super(errcode, errmsg);
    }
}
