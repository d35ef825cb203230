package io.github.evasync;

/** Marks a condition that concerns an HTTP exchange (cl-async's {@code http-info}). */
public sealed interface HttpInfo permits HttpError {
}
