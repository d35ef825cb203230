package io.github.evasync;

/** An HTTP request timed out (cl-async's {@code http-timeout}). */
public final class HttpTimeout extends HttpError {
    /**
     * Makes the condition.
     *
     * @param errcode errno, or -1 when evasync made the error
     * @param errmsg the error's text
     */
    public HttpTimeout(int errcode, String errmsg) {
        super(errcode, errmsg);
    }
}
