package io.github.evasync;

import io.github.evasync.tcp.TcpSocket;

/** Marks a condition that concerns a TCP socket (cl-async's {@code tcp-info}). */
public sealed interface TcpInfo permits TcpEof, TcpError {
    /** {@return the socket the condition is about, or null where none exists (a failed bind or accept)} */
    TcpSocket socket();
}
