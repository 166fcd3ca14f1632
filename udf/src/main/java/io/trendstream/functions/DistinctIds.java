package io.trendstream.functions;

import io.trendstream.records.ActivityBundle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A set of ids, each once, compared by their UTF-8 bytes where they lie (in the encoded activities of
 * {@link ActivityBundle}s, see {@link ActivityBundle.Cursor}): no string or map entry per activity. Each id may
 * carry two longs, those of its last {@link #add}. An open-addressing table of entry numbers, each slot with the
 * hash of its entry's id; a length of -1 is the missing id, a value of its own.
 *
 * <p>Built for sets larger than the cache (a window that folds adds tens of thousands of ids from megabytes of
 * bundles): a new id costs one read of the table, as the slot holds the hash; an id seen before is compared by its
 * first eight bytes, kept with its entry, so ids of up to eight bytes (user ids, mostly) are found again without
 * reading the bundle they first came in. Each of those reads was a cache miss, together most of the window task's
 * time at 300k events per second of event time (bench/README.md).
 */
final class DistinctIds {
    private static final int NO_ID = -1;
    private static final int INITIAL_LIMIT = 4_096;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final boolean withValues;
    private byte[][] arrays;
    private int[] offsets;
    private int[] lengths;
    /** An id's first eight bytes, little-endian, zero beyond its end ({@link #head}). */
    private long[] heads;
    private long[] firsts;
    private long[] seconds;
    private int size;
    /** How many entries the set takes before it doubles its table; the entry arrays hold at least this many. */
    private int limit;
    /** Per slot, in the first {@code mask + 1}: the entry's id's hash in the high half, its number + 1 in the low; 0: free. */
    private long[] slots;
    private int mask;

    /**
     * For about {@code expected} ids at most (more are taken): most windows have far fewer distinct ids than
     * activities, so the table starts at a bounded size and doubles as needed.
     *
     * @param withValues whether the ids carry values ({@link #add(byte[], int, int, long, long)})
     */
    DistinctIds(long expected, boolean withValues) {
        this.withValues = withValues;
        this.slots = new long[0];
        this.arrays = new byte[0][];
        clear(expected);
    }

    /**
     * Empties the set for about {@code expected} ids. A window's firing needs a set of a few hundred ids, mostly:
     * allocating the arrays for each firing was a tenth of what the window task allocated (bench/README.md). So the
     * arrays are kept, and a set uses as many of their first slots as its size needs, a compact table that stays in
     * the cache; arrays grown past the initial limit (a large window's) are replaced here, not reused. Until then a
     * set holds the last firing's ids, and with them its bundles' bytes: at most a fold's worth
     * ({@code window.fold-after} activities).
     */
    void clear(long expected) {
        limit = (int) Math.max(16, Math.min(expected, INITIAL_LIMIT));
        if (arrays.length < limit || arrays.length > INITIAL_LIMIT) {
            allocateEntries(limit);
        } else {
            Arrays.fill(arrays, 0, size, null); // the previous set's bundle bytes are let go
        }
        size = 0;
        useSlots(limit);
    }

    private void allocateEntries(int entries) {
        arrays = new byte[entries][];
        offsets = new int[entries];
        lengths = new int[entries];
        heads = new long[entries];
        firsts = withValues ? new long[entries] : null;
        seconds = withValues ? new long[entries] : null;
    }

    /** The first power of two at least twice {@code entries} slots, all free: the table is at most half full. */
    private void useSlots(int entries) {
        int capacity = Integer.highestOneBit(entries * 2 - 1) << 1;
        if (slots.length < capacity || slots.length > 2 * INITIAL_LIMIT) {
            slots = new long[capacity];
        } else {
            Arrays.fill(slots, 0, capacity, 0);
        }
        mask = capacity - 1;
    }

    /** Adds the id of {@code length} bytes at {@code offset} (-1: no id) if new, and sets its two longs. */
    void add(byte[] bytes, int offset, int length, long first, long second) {
        int hash = hash(bytes, offset, length);
        long head = head(bytes, offset, length);
        int slot = hash & mask;
        for (long taken; (taken = slots[slot]) != 0; slot = (slot + 1) & mask) {
            int entry = (int) taken - 1;
            if ((int) (taken >>> 32) == hash && heads[entry] == head && equal(entry, bytes, offset, length)) {
                setValues(entry, first, second);
                return;
            }
        }
        if (size == limit) {
            grow();
            add(bytes, offset, length, first, second);
            return;
        }
        arrays[size] = bytes;
        offsets[size] = offset;
        lengths[size] = length;
        heads[size] = head;
        setValues(size, first, second);
        slots[slot] = (long) hash << 32 | ++size;
    }

    private void setValues(int entry, long first, long second) {
        if (withValues) {
            firsts[entry] = first;
            seconds[entry] = second;
        }
    }

    void add(byte[] bytes, int offset, int length) {
        add(bytes, offset, length, 0L, 0L);
    }

    int size() {
        return size;
    }

    /** The id of entry {@code entry} ({@code 0 <= entry < size()}), null for the missing id. */
    String id(int entry) {
        return lengths[entry] == NO_ID ? null : new String(arrays[entry], offsets[entry], lengths[entry], StandardCharsets.UTF_8);
    }

    /** The bytes entry {@code entry}'s id lies in, at {@link #offset}, {@link #length} of them (-1: the missing id). */
    byte[] array(int entry) {
        return arrays[entry];
    }

    int offset(int entry) {
        return offsets[entry];
    }

    int length(int entry) {
        return lengths[entry];
    }

    long first(int entry) {
        return firsts[entry];
    }

    long second(int entry) {
        return seconds[entry];
    }

    /** Whether entry {@code entry}, whose head is the id's head, is the id: beyond the head, its bytes are compared. */
    private boolean equal(int entry, byte[] bytes, int offset, int length) {
        if (lengths[entry] != length) {
            return false;
        }
        return length <= Long.BYTES || Arrays.equals(arrays[entry], offsets[entry] + Long.BYTES, offsets[entry] + length,
                bytes, offset + Long.BYTES, offset + length);
    }

    /** The id's first eight bytes, little-endian, zero-padded; 0 for the missing id (told apart by its length). */
    private static long head(byte[] bytes, int offset, int length) {
        if (length >= Long.BYTES) {
            return (long) LONGS.get(bytes, offset);
        }
        long head = 0;
        for (int i = 0; i < length; i++) {
            head |= (bytes[offset + i] & 0xFFL) << (Byte.SIZE * i);
        }
        return head;
    }

    /** Eight bytes at a time: ids are mostly UUIDs and similar, tens of bytes. */
    private static int hash(byte[] bytes, int offset, int length) {
        if (length == NO_ID) {
            return 0x9E3779B9;
        }
        long h = length;
        int i = offset;
        for (int end = offset + length - 7; i < end; i += 8) {
            h = (h ^ (long) LONGS.get(bytes, i)) * 0x9E3779B97F4A7C15L;
        }
        for (int end = offset + length; i < end; i++) {
            h = (h ^ bytes[i]) * 0x9E3779B97F4A7C15L;
        }
        return (int) (h ^ (h >>> 32)); // the table's mask keeps low bits: fold the high ones in
    }

    private void grow() {
        limit *= 2;
        if (arrays.length < limit) {
            arrays = Arrays.copyOf(arrays, limit);
            offsets = Arrays.copyOf(offsets, limit);
            lengths = Arrays.copyOf(lengths, limit);
            heads = Arrays.copyOf(heads, limit);
            if (withValues) {
                firsts = Arrays.copyOf(firsts, limit);
                seconds = Arrays.copyOf(seconds, limit);
            }
        }
        long[] taken = Arrays.copyOf(slots, mask + 1); // useSlots may clear and reuse the array
        useSlots(limit);
        for (long entry : taken) {
            if (entry != 0) {
                int slot = (int) (entry >>> 32) & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = entry;
            }
        }
    }
}
