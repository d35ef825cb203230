package io.github.evasync;

/** Thrown when an {@link Event} is used after it was freed (cl-async's {@code event-freed}). */
public class EventFreed extends IllegalStateException {
    /**
     * Makes the error.
     *
     * @param message what was attempted
     */
    public EventFreed(String message) {
        super(message);
    }
}
