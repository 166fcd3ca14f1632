package io.trendstream.functions;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The activity a window folded, as a few sorted runs of distinct entries (an order id with its units and revenue
 * cents, a view id, a user id), each run written as blocks of encoded entries, one state entry per block
 * ({@value #STATE}: run and block number to the block's bytes).
 *
 * <p>Entries are sorted by a hash of their kind and id, so runs merge in one pass that holds one block of each run:
 * equal ids meet there and count once, whichever runs they are in. A fold writes its distinct entries as a new run,
 * then merges the last two runs while the older is at most twice the newer, so each run is more than twice the next:
 * all runs together hold at most twice the window's distinct entries (the first run is distinct entries), however
 * many retries arrive, and an entry is rewritten about once per doubling of the window. A firing merges every run
 * and the window's held activity without writing. What this replaced, a RocksDB entry per distinct event and user
 * (written, compacted, read at the firing and deleted at cleanup), took the window task to four times the CPU it
 * needs with runs at a live stream's density (bench/README.md, twelfth and twenty-fourth sessions); a block is one
 * state entry for about a thousand.
 *
 * <p>The runs of a window are described by longs kept with its counts ({@link WindowContents}): per run, in this
 * order, its number, its blocks and its entries ({@value #RUN_FIELDS} longs).
 */
final class FoldedRuns {

    static final String STATE = "window-runs";
    static final MapStateDescriptor<Long, byte[]> DESCRIPTOR =
            new MapStateDescriptor<>(STATE, Types.LONG, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    /** The kinds of entries, in their encoding. */
    static final int ORDER = 0;
    static final int VIEW = 1;
    static final int USER = 2;

    /** Longs per run in a window's description: its number, its blocks, its entries. */
    static final int RUN_FIELDS = 3;

    /**
     * A block is written once it holds this many bytes: a state write's serializer keeps the largest buffer it ever
     * held ({@link HeldWindows#MAX_WRITE_BYTES}), and a merge holds one block per run.
     */
    static final int BLOCK_BYTES = 32 * 1_024;

    /** Bits of an entry's order: its hash's highest. The rest of a long sorts a fold's entries by their number. */
    private static final int KEY_BITS = 40;
    private static final int INDEX_BITS = Long.SIZE - KEY_BITS;
    private static final long NO_KEY = -1L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InternalMapState<String, TimeWindow, Long, byte[]> blocks;

    FoldedRuns(InternalMapState<String, TimeWindow, Long, byte[]> blocks) {
        this.blocks = blocks;
    }

    /** What a merge does with each distinct entry. */
    interface Sink {
        void accept(Entries entry) throws Exception;
    }

    /** A window's totals over distinct entries. */
    static final class Totals implements Sink {
        long orders;
        long units;
        long revenueCents;
        long views;
        long users;

        @Override
        public void accept(Entries entry) {
            switch (entry.kind) {
                case ORDER -> {
                    orders++;
                    units += entry.units;
                    revenueCents += entry.cents;
                }
                case VIEW -> views++;
                default -> users++;
            }
        }
    }

    /**
     * Writes the fold {@code fold} (distinct entries in the order of their keys, as {@link #sorted} gives them) as a
     * run of {@code window} (the state's current namespace is set here), then merges runs as the class says.
     *
     * @param runs the window's runs, as this method returned them before (none: empty)
     * @return the window's runs after
     */
    long[] add(TimeWindow window, long[] runs, Entries fold) throws Exception {
        blocks.setCurrentNamespace(window);
        Writer written = new Writer(nextRun(runs)); // the last run has the highest number, merged or not
        while (fold.next()) {
            written.accept(fold); // a fold's entries are distinct already: nothing to merge
        }
        long[] after = append(runs, written.describe());
        for (int n = after.length / RUN_FIELDS; n >= 2 && entries(after, n - 2) <= 2 * entries(after, n - 1); n--) {
            Writer merged = new Writer(Math.max(run(after, n - 2), run(after, n - 1)) + 1);
            merge(List.of(read(after, n - 2), read(after, n - 1)), merged);
            remove(after, n - 2);
            remove(after, n - 1);
            after = append(Arrays.copyOf(after, (n - 2) * RUN_FIELDS), merged.describe());
        }
        return after;
    }

    /** Adds up {@code window}'s runs and {@code more} (null: none), each entry once. */
    Totals total(TimeWindow window, long[] runs, Entries more) throws Exception {
        blocks.setCurrentNamespace(window);
        List<Entries> sources = new ArrayList<>();
        for (int run = 0; run < runs.length / RUN_FIELDS; run++) {
            sources.add(read(runs, run));
        }
        if (more != null) {
            sources.add(more);
        }
        Totals totals = new Totals();
        merge(sources, totals);
        return totals;
    }

    /** Deletes the blocks of {@code window}'s runs. */
    void clear(TimeWindow window, long[] runs) throws Exception {
        blocks.setCurrentNamespace(window);
        for (int run = 0; run < runs.length / RUN_FIELDS; run++) {
            remove(runs, run);
        }
    }

    /** The highest run number in {@code runs} plus one; 0 for none. */
    private static long nextRun(long[] runs) {
        long next = 0;
        for (int run = 0; run < runs.length / RUN_FIELDS; run++) {
            next = Math.max(next, run(runs, run) + 1);
        }
        return next;
    }

    private static long run(long[] runs, int run) {
        return runs[run * RUN_FIELDS];
    }

    private static long entries(long[] runs, int run) {
        return runs[run * RUN_FIELDS + 2];
    }

    private static long[] append(long[] runs, long[] run) {
        long[] after = Arrays.copyOf(runs, runs.length + run.length);
        System.arraycopy(run, 0, after, runs.length, run.length);
        return after;
    }

    private Entries read(long[] runs, int run) {
        return new StoredRun(blocks, run(runs, run), (int) runs[run * RUN_FIELDS + 1]);
    }

    private void remove(long[] runs, int run) throws Exception {
        for (int block = 0; block < runs[run * RUN_FIELDS + 1]; block++) {
            blocks.remove(blockKey(run(runs, run), block));
        }
    }

    private static long blockKey(long run, int block) {
        return run << 32 | block;
    }

    /**
     * Merges sorted sources, giving {@code sink} each distinct entry once: entries of one key are compared by kind
     * and id (keys collide, rarely; retries meet there).
     */
    static void merge(List<Entries> sources, Sink sink) throws Exception {
        Group group = new Group();
        List<Entries> open = new ArrayList<>(sources.size());
        for (Entries source : sources) {
            if (source.next()) {
                open.add(source);
            }
        }
        while (!open.isEmpty()) {
            long key = Long.MAX_VALUE;
            for (Entries source : open) {
                key = Math.min(key, source.key);
            }
            group.clear();
            for (int i = 0; i < open.size(); ) {
                Entries source = open.get(i);
                boolean more = true;
                while (source.key == key) {
                    if (group.addIfNew(source)) {
                        sink.accept(source);
                    }
                    if (!(more = source.next())) {
                        break;
                    }
                }
                if (more) {
                    i++;
                } else {
                    open.remove(i);
                }
            }
        }
    }

    /** The entries of one key met so far in a merge: a key is shared by an entry's retries, and rarely by others. */
    private static final class Group {
        private int size;
        private int[] kinds = new int[4];
        private byte[][] arrays = new byte[4][];
        private int[] offsets = new int[4];
        private int[] lengths = new int[4];

        void clear() {
            Arrays.fill(arrays, 0, size, null);
            size = 0;
        }

        boolean addIfNew(Entries entry) {
            for (int i = 0; i < size; i++) {
                if (kinds[i] == entry.kind && lengths[i] == entry.length && (entry.length <= 0
                        || Arrays.equals(arrays[i], offsets[i], offsets[i] + lengths[i],
                                entry.bytes, entry.offset, entry.offset + entry.length))) {
                    return false;
                }
            }
            if (size == kinds.length) {
                kinds = Arrays.copyOf(kinds, size * 2);
                arrays = Arrays.copyOf(arrays, size * 2);
                offsets = Arrays.copyOf(offsets, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
            }
            kinds[size] = entry.kind;
            arrays[size] = entry.bytes;
            offsets[size] = entry.offset;
            lengths[size] = entry.length;
            size++;
            return true;
        }
    }

    /**
     * Entries in the order of their keys, one at a time: the current one's fields are valid until {@link #next}
     * (its bytes stay valid after: a merge keeps them to compare).
     */
    abstract static class Entries {
        long key = NO_KEY;
        int kind;
        byte[] bytes;
        int offset;
        /** -1: no id (a view without a user). */
        int length;
        long units;
        long cents;

        /** Moves to the next entry; false if there is none. */
        abstract boolean next() throws Exception;
    }

    /**
     * The distinct entries of a fold, from the sets of {@link DistinctActivity}, sorted by key on the heap. Valid
     * until the activity is reset.
     */
    static Entries sorted(DistinctActivity activity) {
        DistinctIds[] sets = {activity.orderIds(), activity.viewIds(), activity.userIds()};
        int total = sets[0].size() + sets[1].size() + sets[2].size();
        long[] order = new long[total];
        int[] kinds = new int[total];
        int[] entries = new int[total];
        int n = 0;
        for (int kind = ORDER; kind <= USER; kind++) {
            DistinctIds set = sets[kind];
            for (int entry = 0; entry < set.size(); entry++) {
                kinds[n] = kind;
                entries[n] = entry;
                order[n] = key(kind, set.array(entry), set.offset(entry), set.length(entry));
                n++;
            }
        }
        int[] positions = sortByKey(order);
        return new Entries() {
            private int next;

            @Override
            boolean next() {
                if (next == total) {
                    return false;
                }
                int at = positions[next++];
                DistinctIds set = sets[kinds[at]];
                int entry = entries[at];
                key = order[at];
                kind = kinds[at];
                bytes = set.array(entry);
                offset = set.offset(entry);
                length = set.length(entry);
                units = kind == ORDER ? set.first(entry) : 0;
                cents = kind == ORDER ? set.second(entry) : 0;
                return true;
            }
        };
    }

    /** The positions of {@code keys} in the order of their values. */
    private static int[] sortByKey(long[] keys) {
        int n = keys.length;
        int[] positions = new int[n];
        if (n <= 1L << INDEX_BITS) {
            long[] packed = new long[n];
            for (int i = 0; i < n; i++) {
                packed[i] = (keys[i] << INDEX_BITS | i) ^ Long.MIN_VALUE; // a key's highest bit is the sign's: flipped
            }
            Arrays.sort(packed);
            for (int i = 0; i < n; i++) {
                positions[i] = (int) (packed[i] & ((1L << INDEX_BITS) - 1));
            }
            return positions;
        }
        // More entries than a packed long numbers (a window.fold-after of millions): boxed, slower, as rare.
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Long.compare(keys[a], keys[b]));
        for (int i = 0; i < n; i++) {
            positions[i] = boxed[i];
        }
        return positions;
    }

    /** An entry's key: the highest {@value #KEY_BITS} bits of a hash of its kind and id, so never negative. */
    static long key(int kind, byte[] bytes, int offset, int length) {
        long h = (kind + 1) * 0x9E3779B97F4A7C15L ^ length;
        int i = offset;
        if (length > 0) {
            for (int end = offset + length - 7; i < end; i += 8) {
                h = (h ^ (long) LONGS.get(bytes, i)) * 0xBF58476D1CE4E5B9L;
                h ^= h >>> 31;
            }
            for (int end = offset + length; i < end; i++) {
                h = (h ^ bytes[i]) * 0x94D049BB133111EBL;
                h ^= h >>> 29;
            }
        }
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L;
        return (h ^ (h >>> 32)) >>> INDEX_BITS;
    }

    /** A stored run, read a block at a time. */
    private static final class StoredRun extends Entries {
        private final InternalMapState<String, TimeWindow, Long, byte[]> blocks;
        private final long run;
        private final int blockCount;
        private int block;
        private byte[] current;
        private int position;
        private int remaining;

        StoredRun(InternalMapState<String, TimeWindow, Long, byte[]> blocks, long run, int blockCount) {
            this.blocks = blocks;
            this.run = run;
            this.blockCount = blockCount;
        }

        @Override
        boolean next() throws Exception {
            while (remaining == 0) {
                if (block == blockCount) {
                    return false;
                }
                current = blocks.get(blockKey(run, block++));
                if (current == null) {
                    throw new IllegalStateException("Block " + (block - 1) + " of run " + run + " is missing");
                }
                position = 0;
                remaining = (int) readVar();
            }
            remaining--;
            key = 0;
            for (int i = 0; i < 5; i++) {
                key = key << 8 | (current[position++] & 0xFF);
            }
            kind = current[position++];
            length = (int) readVar() - 1;
            bytes = current;
            offset = position;
            position += Math.max(length, 0);
            units = kind == ORDER ? readVar() : 0;
            cents = kind == ORDER ? readVar() : 0;
            return true;
        }

        private long readVar() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = current[position++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
        }
    }

    /** Writes the entries a merge gives it as a run, in blocks of about {@value #BLOCK_BYTES} bytes. */
    private final class Writer implements Sink {
        private final long run;
        private byte[] buffer = new byte[BLOCK_BYTES + 512];
        private int position;
        private int inBlock;
        private int blockCount;
        private long entries;

        Writer(long run) {
            this.run = run;
        }

        @Override
        public void accept(Entries entry) throws Exception {
            int most = 5 + 1 + 5 + Math.max(entry.length, 0) + 2 * 10;
            if (position + most > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + most));
            }
            for (int i = 4; i >= 0; i--) {
                buffer[position++] = (byte) (entry.key >>> (8 * i));
            }
            buffer[position++] = (byte) entry.kind;
            writeVar(entry.length + 1L);
            if (entry.length > 0) {
                System.arraycopy(entry.bytes, entry.offset, buffer, position, entry.length);
                position += entry.length;
            }
            if (entry.kind == ORDER) {
                writeVar(entry.units);
                writeVar(entry.cents);
            }
            inBlock++;
            entries++;
            if (position >= BLOCK_BYTES) {
                flush();
            }
        }

        /** The run as a window's description holds it; writes its last block. */
        long[] describe() throws Exception {
            if (inBlock > 0) {
                flush();
            }
            return new long[] {run, blockCount, entries};
        }

        private void flush() throws Exception {
            byte[] block = new byte[varLength(inBlock) + position];
            int at = 0;
            for (long v = inBlock; ; v >>>= 7) {
                if ((v & ~0x7FL) == 0) {
                    block[at++] = (byte) v;
                    break;
                }
                block[at++] = (byte) ((v & 0x7F) | 0x80);
            }
            System.arraycopy(buffer, 0, block, at, position);
            blocks.put(blockKey(run, blockCount++), block);
            position = 0;
            inBlock = 0;
        }

        private void writeVar(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                buffer[position++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[position++] = (byte) v;
        }

        private static int varLength(long value) {
            int n = 1;
            for (long v = value >>> 7; v != 0; v >>>= 7) {
                n++;
            }
            return n;
        }
    }
}
