package io.github.evasync.internal.udp;

import java.net.InetAddress;

/**
 * A socket's datagrams waiting to leave, oldest first: a ring of parallel arrays, so queueing a
 * datagram allocates nothing once the ring has grown to the socket's usual burst. Counts the
 * bytes waiting, for the high watermark. Loop thread only.
 */
final class SendQueue {
    private byte[][] data = new byte[16][];
    private InetAddress[] addresses = new InetAddress[16];
    private int[] ports = new int[16];
    /** Per datagram, the other addresses its name resolved to, in the resolver's order, or null. */
    private InetAddress[][] others = new InetAddress[16][];
    private int head;
    private int size;
    private long bytes;

    /** Appends a datagram. */
    void add(byte[] d, InetAddress to, int port) {
        add(d, to, port, null);
    }

    /** Appends a datagram, with the addresses to try next when {@code to} cannot be reached (or null). */
    void add(byte[] d, InetAddress to, int port, InetAddress[] next) {
        if (size == data.length) {
            grow();
        }
        int i = (head + size) & (data.length - 1);
        data[i] = d;
        addresses[i] = to;
        ports[i] = port;
        others[i] = next;
        size++;
        bytes += d.length;
    }

    private void grow() {
        int n = data.length * 2;
        byte[][] d = new byte[n][];
        InetAddress[] a = new InetAddress[n];
        int[] p = new int[n];
        InetAddress[][] o = new InetAddress[n][];
        for (int k = 0; k < size; k++) {
            int i = (head + k) & (data.length - 1);
            d[k] = data[i];
            a[k] = addresses[i];
            p[k] = ports[i];
            o[k] = others[i];
        }
        data = d;
        addresses = a;
        ports = p;
        others = o;
        head = 0;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** {@return the bytes waiting} */
    long bytes() {
        return bytes;
    }

    private int at(int k) {
        return (head + k) & (data.length - 1);
    }

    byte[] data(int k) {
        return data[at(k)];
    }

    InetAddress address(int k) {
        return addresses[at(k)];
    }

    int port(int k) {
        return ports[at(k)];
    }

    /**
     * Moves the oldest datagram on to the next address its name resolved to; {@return false,
     * changing nothing, when it has none left}
     */
    boolean nextAddress() {
        InetAddress[] next = others[head];
        if (next == null || next.length == 0) {
            return false;
        }
        addresses[head] = next[0];
        others[head] = next.length == 1 ? null : java.util.Arrays.copyOfRange(next, 1, next.length);
        return true;
    }

    /** Drops the {@code n} oldest datagrams (sent, or failed). */
    void remove(int n) {
        for (int k = 0; k < n; k++) {
            int i = head;
            bytes -= data[i].length;
            data[i] = null;
            addresses[i] = null;
            others[i] = null;
            head = (head + 1) & (data.length - 1);
            size--;
        }
    }

    /** Drops everything. */
    void clear() {
        remove(size);
        head = 0;
    }
}
