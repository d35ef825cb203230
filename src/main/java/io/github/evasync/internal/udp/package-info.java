/**
 * The UDP implementation, not API: {@code UdpSocketImpl} (a datagram socket on the native
 * layer's {@code DatagramSocket} owner, reading and sending in batches through the loop's
 * {@code DatagramReceive} and {@code DatagramSend}), its {@code SendQueue}, {@code NamedSend}
 * (a destination name looked up first) and {@code Udp} (which makes sockets and checks
 * arguments).
 *
 * <p>Loop thread only, except where a public method carries itself over through the loop's
 * core. The module does not export this package; nothing here is promised to stay.
 */
package io.github.evasync.internal.udp;
