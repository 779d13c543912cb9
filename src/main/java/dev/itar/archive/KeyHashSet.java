package dev.itar.archive;

import java.util.Arrays;

/**
 * 64-bit hashes of the keys written so far, in an open-addressing table: eight bytes a key where a set of strings
 * would cost a hundred, so the writer can refuse a second member of the same key in an archive of millions.
 * A hash that is already present only says "maybe"; the writer then compares the real keys.
 */
final class KeyHashSet {
    private static final long EMPTY = 0;
    private long[] table = new long[1024];
    private int size;
    /** Whether a key hashed to {@link #EMPTY}, which the table cannot hold itself. */
    private boolean hasZero;

    static long hash(byte[] key) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64, then the murmur3 finaliser for the high bits
        for (byte b : key) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Adds {@code h}; false if it was already there (the key may or may not have been written). */
    boolean add(long h) {
        if (h == EMPTY) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if ((size + 1) * 2L > table.length) {
            grow();
        }
        int mask = table.length - 1;
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            if (table[i] == EMPTY) {
                table[i] = h;
                size++;
                return true;
            }
            if (table[i] == h) {
                return false;
            }
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        size = 0;
        for (long h : old) {
            if (h != EMPTY) {
                add(h);
            }
        }
    }

    void clear() {
        Arrays.fill(table, EMPTY);
        size = 0;
        hasZero = false;
    }
}
