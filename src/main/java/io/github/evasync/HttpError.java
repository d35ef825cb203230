package io.github.evasync;

/** An error in an HTTP exchange (cl-async's {@code http-error}). */
public sealed class HttpError extends ConnectionError implements HttpInfo permits HttpRefused, HttpTimeout {
    /**
     * Makes the condition.
     *
     * @param errcode errno, or -1 when evasync made the error
     * @param errmsg the error's text
     */
    public HttpError(int errcode, String errmsg) {
        super(errcode, errmsg);
    }
}
