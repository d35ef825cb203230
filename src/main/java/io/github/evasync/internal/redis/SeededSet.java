package io.github.evasync.internal.redis;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;

/**
 * An insertion-ordered set for RESP3 set replies whose members a server could choose to collide:
 * the members of a {@link SeededMap}, for the reason given there.
 */
final class SeededSet extends AbstractSet<Object> {
    private final SeededMap members = new SeededMap();

    SeededSet() {
    }

    /** A copy of {@code s}'s members, in its order. */
    SeededSet(Set<Object> s) {
        for (Object o : s) {
            add(o);
        }
    }

    @Override
    public boolean add(Object o) {
        return members.put(o, Boolean.TRUE) == null; // no member maps to null: one look-up
    }

    @Override
    public boolean contains(Object o) {
        return members.containsKey(o);
    }

    @Override
    public boolean remove(Object o) {
        return members.remove(o) != null;
    }

    @Override
    public Iterator<Object> iterator() {
        return members.keySet().iterator();
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public void clear() {
        members.clear();
    }
}
