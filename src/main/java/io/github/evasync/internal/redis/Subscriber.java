package io.github.evasync.internal.redis;

import io.github.evasync.EventLoop;
import io.github.evasync.RedisError;
import io.github.evasync.internal.loop.LoopCore;
import io.github.evasync.redis.RedisOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client's pub/sub connection: every subscription of the client on one socket, apart from the
 * command connection (in RESP2 a subscribed connection can do nothing else). Replies here are
 * not matched to commands: each is an event ({@code subscribe}, {@code message},
 * {@code pmessage}, ...), an array in RESP2 and a push in RESP3, routed by channel or pattern.
 * Once the handshake is done (again, after a reconnect) it subscribes to everything in one write.
 * When the last subscription goes it closes: closing unsubscribes from everything at once.
 * Loop thread only.
 */
final class Subscriber extends RedisConnection {
    private final ClientImpl client;
    private final Map<String, List<Subscription>> channels = new LinkedHashMap<>();
    private final Map<String, List<Subscription>> patterns = new LinkedHashMap<>();
    /**
     * The (P)SUBSCRIBE and (P)UNSUBSCRIBE commands sent on this connection and not yet answered,
     * oldest first, each for one name. The server answers them in order, a confirmation or an
     * error (a user without the right to a channel: NOPERM), so an error is the oldest one's, and
     * the subscriptions it asked for that are still unconfirmed fail with it; before, their
     * {@code ready()} never completed. One name a command, as the server refuses a command whole.
     */
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();

    /** A command of {@link #sent}: whether it subscribes, to a pattern, and its name. */
    private record Sent(boolean subscribe, boolean pattern, String name) {
    }

    Subscriber(LoopCore core, EventLoop loop, RedisUri uri, RedisOptions options, ClientImpl client) {
        super(core, loop, uri, options);
        this.client = client;
    }

    /** Adds a subscription; the server is asked when it is the first on its name. */
    void add(Subscription s) {
        Map<String, List<Subscription>> m = s.isPattern() ? patterns : channels;
        List<Subscription> l = m.get(s.channel());
        if (l == null) {
            l = new ArrayList<>(2);
            m.put(s.channel(), l);
            if (state == READY) {
                out.begin(2).arg(s.isPattern() ? "PSUBSCRIBE" : "SUBSCRIBE").arg(s.channel());
                sent.addLast(new Sent(true, s.isPattern(), s.channel()));
                requestFlush();
            }
        } else if (!l.isEmpty() && l.get(0).confirmed) {
            s.confirm(); // the server sends to this name already
        }
        l.add(s);
    }

    /** Removes a subscription; the server is told when it was the last on its name. */
    void remove(Subscription s) {
        Map<String, List<Subscription>> m = s.isPattern() ? patterns : channels;
        List<Subscription> l = m.get(s.channel());
        if (l == null || !l.remove(s)) {
            return;
        }
        if (l.isEmpty()) {
            m.remove(s.channel());
            if (channels.isEmpty() && patterns.isEmpty()) {
                close(null);
                return;
            }
            if (state == READY) {
                out.begin(2).arg(s.isPattern() ? "PUNSUBSCRIBE" : "UNSUBSCRIBE").arg(s.channel());
                sent.addLast(new Sent(false, s.isPattern(), s.channel()));
                requestFlush();
            }
        }
    }

    @Override
    void onReady() {
        sent.clear();
        // A command per name: the server refuses a command whole (one NOPERM for all its names),
        // and a channel whose right was taken away must not end the others with it.
        for (String c : channels.keySet()) {
            out.begin(2).arg("SUBSCRIBE").arg(c);
            sent.addLast(new Sent(true, false, c));
        }
        for (String p : patterns.keySet()) {
            out.begin(2).arg("PSUBSCRIBE").arg(p);
            sent.addLast(new Sent(true, true, p));
        }
    }

    @Override
    void deliver(Object reply, boolean push) {
        if (reply instanceof RedisError e) {
            RedisError refused = new RedisError(-1, "pub/sub connection to " + uri.where() + ": " + e.errmsg(), true);
            core.errors().reportTransient(refused, options.eventHandler());
            Sent answered = sent.pollFirst();
            if (answered != null && answered.subscribe()) {
                refuse(answered, refused);
            }
            return;
        }
        if (!(reply instanceof List<?> l) || l.isEmpty()) {
            return; // a PING's answer, say
        }
        String kind = text(l.get(0));
        switch (kind) {
            case "message" -> {
                shape(l, 3, kind);
                dispatch(channels.get(text(l.get(1))), text(l.get(1)), l.get(2));
            }
            case "pmessage" -> {
                shape(l, 4, kind);
                dispatch(patterns.get(text(l.get(1))), text(l.get(2)), l.get(3));
            }
            case "subscribe" -> {
                shape(l, 3, kind);
                sent.pollFirst();
                confirm(channels.get(text(l.get(1))));
            }
            case "psubscribe" -> {
                shape(l, 3, kind);
                sent.pollFirst();
                confirm(patterns.get(text(l.get(1))));
            }
            case "unsubscribe", "punsubscribe" -> sent.pollFirst();
            default -> {
                // pong: nothing to do
            }
        }
    }

    /**
     * Refuses an event of the wrong shape: it comes from a server that is not Redis, or from one
     * out of step with us. Thrown out of the parser's sink, it closes the connection as a
     * malformed reply does (and it is made again).
     */
    private void shape(List<?> l, int size, String kind) {
        if (l.size() != size) {
            throw new RedisError(-1, "malformed pub/sub event: '" + kind + "' with " + l.size()
                    + " elements, not " + size, false);
        }
    }

    private void dispatch(List<Subscription> subs, String channel, Object message) {
        if (subs == null) {
            return;
        }
        byte[] payload = message instanceof byte[] b ? b : String.valueOf(message).getBytes(StandardCharsets.UTF_8);
        if (subs.size() == 1) {
            deliverTo(subs.get(0), channel, payload);
        } else {
            // A callback may unsubscribe: go over a copy.
            for (Subscription s : subs.toArray(new Subscription[0])) {
                deliverTo(s, channel, payload);
            }
        }
    }

    private void deliverTo(Subscription s, String channel, byte[] payload) {
        if (!s.isActive()) {
            return;
        }
        try {
            s.onMessage.accept(channel, payload);
        } catch (Throwable t) {
            core.errors().callbackFailed(t, options.eventHandler());
        }
    }

    /** The server refused {@code command}: its subscriptions not yet confirmed end with {@code error}. */
    private void refuse(Sent command, RedisError error) {
        Map<String, List<Subscription>> m = command.pattern() ? patterns : channels;
        List<Subscription> ended = new ArrayList<>();
        List<Subscription> l = m.get(command.name());
        if (l != null) {
            for (Subscription s : l.toArray(new Subscription[0])) {
                if (!s.confirmed) {
                    l.remove(s);
                    ended.add(s);
                }
            }
            if (l.isEmpty()) {
                m.remove(command.name());
            }
        }
        // The maps first, then the callers: one that subscribes again from its ready()'s
        // failure finds no empty list left to join silently, and its SUBSCRIBE goes out.
        for (Subscription s : ended) {
            s.end(error);
        }
        if (channels.isEmpty() && patterns.isEmpty() && state != CLOSED) {
            close(null);
        }
    }

    private static void confirm(List<Subscription> subs) {
        if (subs != null) {
            for (Subscription s : subs.toArray(new Subscription[0])) {
                s.confirm();
            }
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    @Override
    void onLost(RedisError cause) {
        sent.clear();
        for (List<Subscription> l : channels.values()) {
            for (Subscription s : l) {
                s.confirmed = false;
            }
        }
        for (List<Subscription> l : patterns.values()) {
            for (Subscription s : l) {
                s.confirmed = false;
            }
        }
    }

    @Override
    void onClosed(RedisError cause) {
        RedisError e = cause != null ? cause : new RedisError(-1, "the subscription ended", false);
        List<Subscription> all = new ArrayList<>();
        for (List<Subscription> l : channels.values()) {
            all.addAll(l);
        }
        for (List<Subscription> l : patterns.values()) {
            all.addAll(l);
        }
        channels.clear();
        patterns.clear();
        // Let go of the client first: ending a subscription completes its ready() future, and a
        // subscribe from that callback must make a new subscriber, not join this closed one.
        client.subscriberClosed(this);
        for (Subscription s : all) {
            s.end(e);
        }
    }
}
