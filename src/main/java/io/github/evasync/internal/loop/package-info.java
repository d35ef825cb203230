/**
 * The loop machinery behind {@code EventLoop}, not API: {@code LoopCore} (event base, loop
 * thread, handle table, error routing, counters), its task queue ({@code TaskQueue}) and the
 * rule for when a producer wakes it ({@code LoopWake}), the graceful shutdown servers
 * share, libevent's log routing, and what a call into a closed loop throws.
 *
 * <p>{@code LoopCore} holds the thread rule in one place: {@code call} and {@code run} run work
 * on the loop thread, carrying it over from other threads. The module does not export this
 * package; nothing here is promised to stay.
 */
package io.github.evasync.internal.loop;
