/**
 * Signals: {@link io.github.evasync.signal.Signals}, Linux's signal numbers as compile-time
 * constants, and the rule for which of them the JVM keeps for itself.
 *
 * <h2>Threads</h2>
 * The constants need no loop and no native library. A handler set with
 * {@code loop.signalHandler} runs on the loop thread, never in the C signal handler, so it may
 * do anything a callback may. One loop at a time may handle signals.
 */
package io.github.evasync.signal;
