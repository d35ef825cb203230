package io.github.evasync.internal.loop;

import io.github.evasync.internal.ffi.Upcalls;
import io.github.evasync.internal.libevent.LibEvent;

/**
 * Sends libevent's own messages ("nameserver has failed", ...) to {@code System.Logger}
 * {@code io.github.evasync.libevent} instead of the process's standard error.
 */
final class LibeventLog {
    private static boolean installed;

    private LibeventLog() {
    }

    static synchronized void install() {
        if (!installed) {
            LibEvent.event_set_log_callback(Upcalls.LOG);
            installed = true;
        }
    }
}
