/**
 * Signal handling on libevent's evsignal, not API: {@code SignalWatch} and the process-wide
 * table that lets one loop at a time own the signal handlers.
 *
 * <p>Loop thread only, apart from that table's hand-over between loops. The module does not
 * export this package; nothing here is promised to stay.
 */
package io.github.evasync.internal.signal;
