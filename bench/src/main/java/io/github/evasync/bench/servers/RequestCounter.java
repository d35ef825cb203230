package io.github.evasync.bench.servers;

/**
 * Counts HTTP requests in a byte stream by their terminating blank line, across reads. The load
 * servers answer each request with a fixed response; this is all the parsing they need.
 */
final class RequestCounter {
    private int matched;

    /** Bytes of "\r\n\r\n" matched so far at the end of the last call; returns requests completed. */
    int feed(byte[] data, int off, int len) {
        int requests = 0;
        int m = matched;
        for (int i = off; i < off + len; i++) {
            byte b = data[i];
            if (b == (m == 0 || m == 2 ? '\r' : '\n')) {
                if (++m == 4) {
                    requests++;
                    m = 0;
                }
            } else {
                m = b == '\r' ? 1 : 0;
            }
        }
        matched = m;
        return requests;
    }
}
