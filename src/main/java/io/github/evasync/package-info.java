/**
 * The event loop and what every domain shares: {@link io.github.evasync.EventLoop} and
 * {@link io.github.evasync.LoopGroup}, timers and events ({@link io.github.evasync.Event}),
 * {@link io.github.evasync.LoopOptions}, {@link io.github.evasync.LoopStats},
 * {@link io.github.evasync.EventHandler}, and every condition class
 * ({@link io.github.evasync.ConnectionInfo} and its subclasses, {@link io.github.evasync.EventFreed}),
 * so that one {@code import io.github.evasync.*;} brings the loop and all conditions.
 *
 * <h2>Threads</h2>
 * <ul>
 * <li>Each loop has one thread, and every callback of every package runs on it: callbacks need
 *     no locks between them, and must never block it.</li>
 * <li>{@code execute}, {@code submit}, {@code exit}, {@code close}, {@code inLoop} and
 *     {@link io.github.evasync.Event#activate()} are safe from any thread and never wait.</li>
 * <li>Any other method called from a thread that runs no loop (jshell, {@code main}) is carried
 *     onto the loop thread and waits for its result.</li>
 * <li>Called from another loop's thread, a method without a result is queued and returns at
 *     once; one that must return this loop's answer throws {@link java.lang.IllegalStateException}
 *     rather than have two loops wait for each other (use {@code submit}).</li>
 * <li>Once a loop is closed, calls into it throw {@link java.lang.IllegalStateException}
 *     ({@link io.github.evasync.SocketClosed} for its sockets, {@link io.github.evasync.EventFreed}
 *     for its events), and closing or freeing anything of it is a no-op.</li>
 * <li>Options objects and conditions are immutable and may be shared between threads.</li>
 * </ul>
 */
package io.github.evasync;
