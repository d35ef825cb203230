package io.github.evasync.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ways the parser tests cut one input into the pieces a socket might deliver: whole, in two
 * at every split point, and one byte at a time. Each piece sits inside a larger array between
 * NUL guard bytes, so a parser that reads before {@code off} or from {@code end} on sees bytes
 * that are not part of the input.
 */
final class Cuts {
    private static final int GUARD = 3;

    private Cuts() {
    }

    /** One delivery: {@code array[off..end)}. */
    record Piece(byte[] array, int off, int end) {
        byte[] copy() {
            return Arrays.copyOfRange(array, off, end);
        }
    }

    /** One way of delivering the whole input. */
    record Feeding(String name, List<Piece> pieces) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The input delivered in one piece. */
    static Feeding whole(byte[] input) {
        return cut("whole", input, new int[] {0, input.length});
    }

    /** One split into two pieces, at {@code k}. */
    static Feeding at(byte[] input, int k) {
        return cut("split at " + k, input, new int[] {0, k, input.length});
    }

    /** Every split into two non-empty pieces, then one byte at a time. */
    static List<Feeding> every(byte[] input) {
        List<Feeding> all = new ArrayList<>();
        for (int k = 1; k < input.length; k++) {
            all.add(cut("split at " + k, input, new int[] {0, k, input.length}));
        }
        int[] each = new int[input.length + 1];
        for (int k = 0; k <= input.length; k++) {
            each[k] = k;
        }
        all.add(cut("one byte at a time", input, each));
        return all;
    }

    private static Feeding cut(String name, byte[] input, int[] bounds) {
        List<Piece> pieces = new ArrayList<>();
        for (int k = 0; k + 1 < bounds.length; k++) {
            int n = bounds[k + 1] - bounds[k];
            byte[] padded = new byte[GUARD + n + GUARD];
            System.arraycopy(input, bounds[k], padded, GUARD, n);
            pieces.add(new Piece(padded, GUARD, GUARD + n));
        }
        return new Feeding(name, pieces);
    }
}
