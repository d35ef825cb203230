package io.github.evasync;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Live loops for tests: every loop started through here sends what no handler caught (its
 * {@link LoopOptions#uncaughtHandler}) to this helper instead of only logging it, and the test
 * fails with those throwables. Register it in the test class, then start loops through it:
 * <pre>{@code
 * @RegisterExtension
 * final TestLoops loops = new TestLoops();
 * ...
 * try (EventLoop loop = loops.start()) { ... }
 * }</pre>
 * After each test (after its {@code @AfterEach} methods, so loops closed there are done), the
 * test fails with the first recorded throwable as the cause and the rest suppressed. Registered
 * on a {@code static} field, for loops started in {@code @BeforeAll}, it checks after each test
 * and once more after the class.
 */
public final class TestLoops implements AfterEachCallback, AfterAllCallback {
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

    /** {@return default options whose uncaught handler records into this helper} */
    public LoopOptions options() {
        return options(LoopOptions.defaults());
    }

    /** {@return {@code base} with an uncaught handler that records into this helper} */
    public LoopOptions options(LoopOptions base) {
        return base.uncaughtHandler(uncaught::add);
    }

    /** {@return a live loop with default options, watched by this helper} */
    public EventLoop start() {
        return EventLoop.start(options());
    }

    /** {@return a live loop with {@code base}'s options, watched by this helper} */
    public EventLoop start(LoopOptions base) {
        return EventLoop.start(options(base));
    }

    /** {@return a group started like {@link LoopGroup#start}, each loop watched by this helper} */
    public LoopGroup startGroup(int count, LoopOptions base, Consumer<EventLoop> setup) {
        return LoopGroup.start(count, options(base), setup);
    }

    /**
     * Fails, and forgets them, if any throwables were recorded so far; for a test that wants to
     * check at a point of its own.
     */
    public void assertNoneUncaught() {
        List<Throwable> seen = new ArrayList<>(uncaught);
        uncaught.removeAll(seen);
        if (seen.isEmpty()) {
            return;
        }
        AssertionFailedError failure = new AssertionFailedError(seen.size()
                + " throwable(s) reached a live loop's uncaught handler; the first: " + seen.get(0), seen.get(0));
        for (Throwable t : seen.subList(1, seen.size())) {
            failure.addSuppressed(t);
        }
        throw failure;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertNoneUncaught();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoneUncaught();
    }
}
