package io.github.evasync.internal.udp;

import io.github.evasync.EventHandler;
import io.github.evasync.SocketClosed;
import io.github.evasync.UdpError;
import io.github.evasync.dns.Family;
import io.github.evasync.internal.ffi.DatagramErrors;
import io.github.evasync.internal.ffi.DatagramReceive;
import io.github.evasync.internal.ffi.DatagramSend;
import io.github.evasync.internal.ffi.DatagramSocket;
import io.github.evasync.internal.ffi.LibC;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.udp.DatagramCallback;
import io.github.evasync.udp.UdpOptions;
import io.github.evasync.udp.UdpSocket;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link UdpSocket}: its {@link DatagramSocket} owner, the read path (one {@code recvmmsg} per
 * batch into the loop's {@link DatagramReceive}, a bounded number of batches per wakeup), the
 * send queue (flushed with one {@code sendmmsg} per batch through the loop's {@link
 * DatagramSend}), its conditions, and the public methods with their thread rule.
 *
 * <p>When datagrams leave: sends made while this socket delivers a read batch leave together
 * right after it; any other send asks for a flush by activating the socket's write event, which
 * runs once the turn's other ready callbacks have run, so the sends of one turn share a call.
 */
public final class UdpSocketImpl implements UdpSocket {
    /** Batches read per wakeup at most, so one flooded socket cannot starve the loop. */
    private static final int BATCHES_PER_WAKEUP = 8;
    /** Datagrams delivered per wakeup at most. */
    private static final int DATAGRAMS_PER_WAKEUP = 256;
    private static final int EMSGSIZE = DatagramSocket.EMSGSIZE;
    /** Tries per flush of a send that failed on an error left pending by ICMP (see {@link #flush}). */
    private static final int PENDING_RETRIES = 8;

    private final LoopCore core;
    private final DatagramCallback callback;
    private final EventHandler handler;
    private final int maxDatagram;
    private final int highWatermark;
    private final DatagramReceive receive;
    private final DatagramSend sends;
    private final DatagramSocket socket;
    private final boolean ipv6;
    private final InetSocketAddress local;
    private final SendQueue queue = new SendQueue();
    private final List<Runnable> drains = new ArrayList<>(1);
    private volatile boolean closed;
    private volatile Object data;
    /** The flow-control state last seen, for a send queued from another loop's thread. */
    private volatile boolean lastWritable = true;
    private boolean delivering;
    private boolean flushing;
    private boolean flushRequested;
    private boolean blocked;
    private boolean aboveHigh;

    UdpSocketImpl(LoopCore core, InetAddress bind, int port, DatagramCallback callback, EventHandler handler,
                  UdpOptions options, DatagramReceive receive, DatagramSend sends) {
        this.core = core;
        this.callback = callback;
        this.handler = handler;
        this.maxDatagram = options.maxDatagramSize();
        this.highWatermark = options.sendHighWatermark();
        this.receive = receive;
        this.sends = sends;
        try {
            this.socket = new DatagramSocket(core.eventBase(), core.handles(), core.counts().udpSocketCount(),
                    core.scratch(), bind, port, new DatagramSocket.Settings(options.receiveBufferSize(),
                    options.sendBufferSize(), options.reuseAddress()), new Events(this));
        } catch (DatagramSocket.OpenFailed e) {
            throw new UdpError(null, new InetSocketAddress(bind == null ? InetAddress.ofLiteral("::") : bind, port),
                    e.errno() > 0 ? e.errno() : -1, e.getMessage(), true);
        }
        // The socket is registered, counted and reading now: if the rest is cut short (an
        // overflow, an out-of-memory), nothing else would ever free it.
        try {
            this.ipv6 = socket.ipv6();
            this.local = socket.localAddress(core.scratch());
            // Best effort: a socket that refuses these still sends and receives.
            socket.multicastLoop(core.scratch(), options.multicastLoopback());
            socket.multicastTtl(core.scratch(), options.multicastTtl());
            Runnable hook = afterOpenForTests;
            if (hook != null) {
                hook.run();
            }
        } catch (Throwable t) {
            socket.free();
            throw t;
        }
    }

    /**
     * A seam for the tests only: runs at the end of the constructor, after the socket opened, so
     * a test can make that part fail as an overflow would. Null otherwise.
     */
    static volatile Runnable afterOpenForTests;

    /** The owner's events, kept off the public class. */
    private static final class Events implements DatagramSocket.Target {
        private final UdpSocketImpl s;

        Events(UdpSocketImpl s) {
            this.s = s;
        }

        @Override
        public void readable() {
            s.readable();
        }

        @Override
        public void writable() {
            s.writable();
        }

        @Override
        public void released() {
            s.closed = true;
            s.queue.clear();
            s.drains.clear();
        }
    }

    // ---- receiving ---------------------------------------------------------------------------

    private void readable() {
        int fd = socket.fd();
        int slots = DatagramReceive.slotsFor(maxDatagram);
        int delivered = 0;
        delivering = true;
        try {
            for (int calls = 0; calls < BATCHES_PER_WAKEUP && delivered < DATAGRAMS_PER_WAKEUP; calls++) {
                int n = receive.receive(fd, maxDatagram);
                if (n < 0) {
                    // A pending socket error: an ICMP error, whose details wait in the error queue.
                    if (drainErrors() == 0) {
                        core.errors().reportTransient(new UdpError(this, null, -n, LibC.strerror(-n)), handler);
                    }
                } else if (n == 0) {
                    // Nothing to read: the wakeup was for the error queue (its error taken by a send).
                    drainErrors();
                    break;
                } else {
                    deliver(n);
                    delivered += n;
                    if (n < slots) {
                        break;
                    }
                }
                if (closed || core.stopping()) {
                    return;
                }
            }
        } finally {
            delivering = false;
        }
        // Drain callbacks asked for during the batch run here too, even with nothing queued.
        if (!closed && !blocked && (!queue.isEmpty() || !drains.isEmpty())) {
            flush();
        }
    }

    private void deliver(int n) {
        for (int i = 0; i < n && !closed && !core.stopping(); i++) {
            if (receive.truncated(i)) {
                core.errors().reportTransient(new UdpError(this, receive.sender(i), EMSGSIZE, "a datagram of "
                        + receive.length(i) + " bytes is larger than maxDatagramSize " + maxDatagram
                        + "; dropped"), handler);
                continue;
            }
            byte[] bytes = receive.copy(i);
            InetSocketAddress from = receive.sender(i);
            if (callback == null) {
                continue;
            }
            try {
                callback.onDatagram(this, bytes, from);
            } catch (Throwable t) {
                core.errors().callbackFailed(t, handler);
            }
        }
    }

    /** Reports what waits in the error queue; {@return how many errors there were} */
    private int drainErrors() {
        DatagramErrors errors = receive.errors();
        int total = 0;
        for (int round = 0; round < 4 && !closed; round++) {
            int n = errors.drain(socket.fd());
            // Read every entry before any report runs application code that may send or close.
            UdpError[] found = new UdpError[n];
            for (int i = 0; i < n; i++) {
                int errno = errors.errno(i);
                found[i] = new UdpError(this, errors.address(i), errno > 0 ? errno : -1,
                        errno > 0 ? LibC.strerror(errno) : "ICMP error");
            }
            total += n;
            for (int i = 0; i < n && !closed; i++) {
                core.errors().reportTransient(found[i], handler);
            }
            if (n < DatagramErrors.SLOTS) {
                break;
            }
        }
        return total;
    }

    // ---- sending -----------------------------------------------------------------------------

    private void writable() {
        flushRequested = false;
        blocked = false;
        if (!closed) {
            flush();
        }
    }

    /**
     * Sends what is queued, a batch per call, until the queue is empty or the kernel is full.
     *
     * <p>A send on an unconnected socket also fails with an error that an ICMP message left
     * pending on the socket ({@code sk_err}): any peer, or anyone forging "port unreachable" about
     * any address, can make the next send fail, whatever its destination. Such an error concerns
     * the address the error queue names, not the datagram whose send took it: the queue is read
     * (each error reported with its own address, by the peer-caused route) and the same datagram
     * is tried again, {@link #PENDING_RETRIES} times per flush at most, then on the next turn. Only
     * an error that is the datagram's own (no pending error explains it, or a route error that
     * repeats for it) is delivered with its destination, and the datagram dropped.
     */
    private void flush() {
        if (flushing) {
            return;
        }
        flushing = true;
        try {
            int fd = socket.fd();
            int retries = 0;
            int headErrno = 0;
            while (!queue.isEmpty() && !closed) {
                sends.clear();
                int k = 0;
                while (k < queue.size() && sends.add(queue.data(k), queue.address(k), queue.port(k), ipv6)) {
                    k++;
                }
                int r = sends.send(fd);
                sends.clear();
                if (r == DatagramSend.FULL) {
                    waitForRoom();
                    break;
                }
                if (r > 0) {
                    queue.remove(r);
                    headErrno = 0;
                    continue;
                }
                int errno = -r;
                int pending = drainErrors();
                if (closed) {
                    break;
                }
                if (pending > 0 || errno == LibC.ECONNREFUSED
                        || (DatagramSocket.isIcmpError(errno) && errno != headErrno)) {
                    headErrno = errno;
                    if (++retries > PENDING_RETRIES) {
                        // Errors keep arriving (a flood of them): go on next turn, after the others.
                        waitForRoom();
                        break;
                    }
                    continue;
                }
                if (DatagramSocket.isAddressError(errno) && queue.nextAddress()) {
                    // A name's address this host cannot reach (IPv6 without a route): its next one.
                    headErrno = 0;
                    continue;
                }
                InetSocketAddress to = new InetSocketAddress(queue.address(0), queue.port(0));
                queue.remove(1);
                headErrno = 0;
                core.errors().deliver(new UdpError(this, to, errno, LibC.strerror(errno)), handler);
            }
        } finally {
            flushing = false;
        }
        drained();
    }

    /** Flushes again once the socket is writable, on a later turn. */
    private void waitForRoom() {
        blocked = true;
        socket.awaitWritable();
    }

    /**
     * Runs the drain callbacks once the queue is below half the high watermark. Only those
     * registered before this call run: a callback that sends until {@code send} says false and
     * then asks for {@code onDrain} again (Node's pump) waits for the next drain, rather than
     * being run again at once with the queue still full, for ever. The level is checked again
     * before each callback, since the one before may have filled the queue; those not run stay
     * registered, ahead of any added meanwhile.
     */
    private void drained() {
        if (queue.bytes() > highWatermark / 2 || closed) {
            return;
        }
        aboveHigh = false;
        lastWritable = true;
        if (drains.isEmpty()) {
            return;
        }
        Runnable[] due = drains.toArray(new Runnable[0]);
        drains.clear();
        for (int i = 0; i < due.length; i++) {
            if (closed) {
                return;
            }
            if (queue.bytes() > highWatermark / 2) {
                drains.addAll(0, java.util.Arrays.asList(due).subList(i, due.length));
                return;
            }
            try {
                due[i].run();
            } catch (Throwable t) {
                core.errors().callbackFailed(t, handler);
            }
        }
    }

    private void requestFlush() {
        if (!delivering && !blocked && !flushRequested) {
            flushRequested = true;
            socket.requestFlush();
        }
    }

    @Override
    public boolean send(byte[] data, InetSocketAddress to) {
        Udp.checkData(data);
        if (to == null) {
            throw new IllegalArgumentException("to must not be null");
        }
        if (to.isUnresolved()) {
            return send(data, to.getHostString(), to.getPort());
        }
        Udp.checkPort(to.getPort());
        InetAddress address = to.getAddress();
        checkDestination(data, address);
        if (closed) {
            throw new SocketClosed(null);
        }
        if (!core.inLoop()) {
            byte[] copy = data.clone();
            if (core.onOtherLoop()) {
                core.run(() -> send(copy, to));
                return lastWritable;
            }
            return core.call(() -> send(copy, to));
        }
        return enqueue(data, address, to.getPort());
    }

    private void checkDestination(byte[] data, InetAddress address) {
        if (address instanceof Inet6Address && !ipv6) {
            throw new IllegalArgumentException("an IPv6 destination (" + address.getHostAddress()
                    + ") cannot be reached from an IPv4 socket; bind it to \"::\" or null for both");
        }
        int max = address instanceof Inet4Address ? Udp.MAX_IPV4 : UdpOptions.MAX_DATAGRAM;
        if (data.length > max) {
            throw new IllegalArgumentException("data must be at most " + max + " bytes to "
                    + (address instanceof Inet4Address ? "IPv4" : "IPv6") + ": " + data.length);
        }
    }

    /** Queues a checked datagram on the loop thread. */
    boolean enqueue(byte[] data, InetAddress address, int port) {
        return enqueue(data, address, port, null);
    }

    private boolean enqueue(byte[] data, InetAddress address, int port, InetAddress[] next) {
        if (closed) {
            throw new SocketClosed(null);
        }
        queue.add(data, address, port, next);
        requestFlush();
        boolean ok = queue.bytes() <= highWatermark;
        if (!ok) {
            aboveHigh = true;
        }
        lastWritable = ok;
        return ok;
    }

    @Override
    public boolean send(byte[] data, String host, int port) {
        Udp.checkData(data);
        Udp.checkHost(host);
        Udp.checkPort(port);
        if (closed) {
            throw new SocketClosed(null);
        }
        if (!core.inLoop()) {
            byte[] copy = data.clone();
            if (core.onOtherLoop()) {
                core.run(() -> send(copy, host, port));
                return lastWritable;
            }
            return core.call(() -> send(copy, host, port));
        }
        InetAddress literal = Udp.literal(host);
        if (literal != null) {
            return send(data, new InetSocketAddress(literal, port));
        }
        NamedSend.start(core, this, data, host, port, lookupFamily(), handler);
        return !aboveHigh;
    }

    /** {@return whether the socket is closed} (for a lookup that ends after the close) */
    boolean closedNow() {
        return closed;
    }

    /**
     * Queues a datagram whose destination a lookup found: to the first of {@code addresses}
     * (the resolver's order) that this socket may send it to, with the others to try in turn if
     * this host cannot reach it. None usable is the datagram's error, delivered.
     */
    void sendResolved(byte[] data, List<InetAddress> addresses, int port) {
        if (closed) {
            return;
        }
        List<InetAddress> usable = new ArrayList<>(addresses.size());
        IllegalArgumentException refused = null;
        for (InetAddress a : addresses) {
            try {
                checkDestination(data, a);
                usable.add(a);
            } catch (IllegalArgumentException e) {
                if (refused == null) {
                    refused = e;
                }
            }
        }
        if (usable.isEmpty()) {
            core.errors().deliver(new UdpError(this, new InetSocketAddress(addresses.get(0), port), -1,
                    refused.getMessage()), handler);
            return;
        }
        InetAddress[] next = usable.size() == 1 ? null
                : usable.subList(1, usable.size()).toArray(new InetAddress[0]);
        enqueue(data, usable.get(0), port, next);
    }

    /** {@return the family a name is looked up in for this socket} (see {@link NamedSend}) */
    Family lookupFamily() {
        return NamedSend.familyFor(ipv6, local.getAddress());
    }

    @Override
    public void onDrain(Runnable callback) {
        if (callback == null) {
            throw new IllegalArgumentException("callback must not be null");
        }
        checkOpen();
        if (!core.inLoop()) {
            core.run(() -> onDrain(callback));
            return;
        }
        drains.add(callback);
        if (!blocked) {
            if (delivering) {
                // The flush after the batch runs it.
                return;
            }
            flushRequested = true;
            socket.requestFlush();
        }
    }

    // ---- options -----------------------------------------------------------------------------

    @Override
    public void joinGroup(InetAddress group) {
        joinGroup(group, null);
    }

    @Override
    public void joinGroup(InetAddress group, NetworkInterface ni) {
        membership(true, group, ni);
    }

    @Override
    public void leaveGroup(InetAddress group) {
        leaveGroup(group, null);
    }

    @Override
    public void leaveGroup(InetAddress group, NetworkInterface ni) {
        membership(false, group, ni);
    }

    private void membership(boolean join, InetAddress group, NetworkInterface ni) {
        if (group == null) {
            throw new IllegalArgumentException("group must not be null");
        }
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("group must be a multicast address: " + group.getHostAddress());
        }
        if (group instanceof Inet6Address && !ipv6) {
            throw new IllegalArgumentException("an IPv6 group (" + group.getHostAddress()
                    + ") cannot be joined on an IPv4 socket");
        }
        checkOpen();
        if (!core.inLoop()) {
            core.run(() -> membership(join, group, ni));
            return;
        }
        int errno = socket.membership(core.scratch(), join, group, ni == null ? 0 : ni.getIndex());
        if (errno != 0) {
            throw new UdpError(this, new InetSocketAddress(group, 0), errno, (join ? "joining " : "leaving ")
                    + group.getHostAddress() + (ni == null ? "" : " on " + ni.getName()) + ": "
                    + LibC.strerror(errno), true);
        }
    }

    @Override
    public void setBroadcast(boolean on) {
        checkOpen();
        if (!core.inLoop()) {
            core.run(() -> setBroadcast(on));
            return;
        }
        int errno = socket.broadcast(core.scratch(), on);
        if (errno != 0) {
            throw new UdpError(this, null, errno, "SO_BROADCAST: " + LibC.strerror(errno), true);
        }
    }

    @Override
    public boolean isBroadcast() {
        checkOpen();
        if (!core.inLoop()) {
            return core.call(this::isBroadcast);
        }
        return socket.broadcast(core.scratch());
    }

    /** {@return the multicast hop limit the kernel holds for this socket (IPv6's on an IPv6 socket)} */
    public int multicastTtl() {
        checkOpen();
        if (!core.inLoop()) {
            return core.call(this::multicastTtl);
        }
        return socket.multicastTtl(core.scratch());
    }

    /** {@return the kernel's receive buffer size (SO_RCVBUF)} */
    public int receiveBufferSize() {
        checkOpen();
        if (!core.inLoop()) {
            return core.call(this::receiveBufferSize);
        }
        return socket.receiveBuffer(core.scratch());
    }

    @Override
    public int port() {
        checkOpen();
        return local.getPort();
    }

    @Override
    public InetSocketAddress localAddress() {
        checkOpen();
        return local;
    }

    // ---- life --------------------------------------------------------------------------------

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!core.inLoop()) {
            core.runUnlessClosed(this::close);
            return;
        }
        closeNow();
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        if (!queue.isEmpty() && !flushing && !blocked) {
            lastFlush();
        }
        closed = true;
        queue.clear();
        drains.clear();
        socket.free();
    }

    /** Offers what is queued to the kernel once, without waiting and without reports. */
    private void lastFlush() {
        int fd = socket.fd();
        int failures = 0;
        while (!queue.isEmpty()) {
            sends.clear();
            int k = 0;
            while (k < queue.size() && sends.add(queue.data(k), queue.address(k), queue.port(k), ipv6)) {
                k++;
            }
            int r = sends.send(fd);
            sends.clear();
            if (r == DatagramSend.FULL) {
                return;
            }
            if (r > 0) {
                queue.remove(r);
                failures = 0;
            } else if (++failures > 2) {
                // Two failures may be errors about other peers left pending (each send takes one);
                // a third is the datagram's own.
                queue.remove(1);
                failures = 0;
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new SocketClosed(null);
        }
    }

    @Override
    public Object data() {
        return data;
    }

    @Override
    public void setData(Object data) {
        this.data = data;
    }

    @Override
    public String toString() {
        return "UdpSocket[" + local + (closed ? ", closed]" : "]");
    }
}
