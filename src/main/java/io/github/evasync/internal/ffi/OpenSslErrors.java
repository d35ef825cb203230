package io.github.evasync.internal.ffi;

import io.github.evasync.internal.libevent.LibTls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenSSL's error codes and their text. OpenSSL keeps one error queue per thread, and a loop's
 * thread serves many connections: whatever evasync's own calls leave there must be taken off at
 * once ({@link #drain}, {@link #clear}), or the next connection to fail on that thread would
 * report it. libevent moves a failing bufferevent's errors into that bufferevent's own list.
 */
final class OpenSslErrors {
    private OpenSslErrors() {
    }

    /** Takes every error off this thread's queue; {@return their texts, oldest first, joined by "; "}, or null when there was none. */
    static String drain() {
        List<String> texts = new ArrayList<>();
        long code;
        while ((code = LibTls.ERR_get_error()) != 0) {
            texts.add(text(code));
        }
        return texts.isEmpty() ? null : String.join("; ", texts);
    }

    /** Empties this thread's error queue, after a call whose failure says nothing (SSL_shutdown). */
    static void clear() {
        LibTls.ERR_clear_error();
    }

    /** {@return OpenSSL's text for a packed error code, such as "error:0A000086:SSL routines::certificate verify failed"} */
    static String text(long code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            LibTls.ERR_error_string_n(code, buf, buf.byteSize());
            return buf.getString(0);
        }
    }

    /** {@return the reason part of a packed code's text: "certificate verify failed" of the example above} */
    static String reason(String text) {
        int colon = text.lastIndexOf(':');
        return colon < 0 ? text : text.substring(colon + 1);
    }
}
