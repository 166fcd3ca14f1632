package io.trendstream.functions;

import io.trendstream.records.ActivityBundle;

import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link WindowContents} keeps of its open windows on the heap between snapshots: their counts
 * ({@value WindowContents#COUNTS}) and the bundles that arrived since the last snapshot ({@value WindowContents#BUNDLES}),
 * both written to state at each snapshot. So a bundle's arrival costs no state access at all, and a window that opens
 * and closes between two snapshots (replaying a backlog, a window's event time passes in a fraction of a second)
 * never reaches RocksDB, which otherwise wrote, flushed and compacted every bundle only to delete it
 * (bench/README.md). Whatever a snapshot holds is what the state would hold without the heap, so savepoints and
 * restores are unchanged; after a restore a window's counts are read from state once.
 *
 * <p>The heap holds the counts of at most {@code maxWindows} windows and the bundles of at most {@code maxActivities}
 * activities ({@code window.held-windows}, {@code window.held-activities}): past either, what changed is written to
 * state early (and, past the first, the heap copies dropped). A closed window's counts and bundles leave the heap and
 * the state together ({@link #remove}).
 *
 * <p>A window the state cannot hold anything of costs no state access at all, not even a read that finds nothing:
 * the state holds a window only once a write of this instance put it there, or if the window was in the state
 * before, restored or dropped from the heap. Those windows end by a time kept here ({@link #mayBeStoredUntil}); a
 * window that ends later and is not on the heap is new. (In a replay most windows open and close between two
 * snapshots, and such reads and deletes, one of each per window and state, were a sixth of the window task's time:
 * bench/README.md.)
 */
final class HeldWindows {

    /**
     * A window's bundles go to state in writes of at most this many bytes: the state backend serializes each write
     * into a buffer that keeps the largest it ever held, and one product's window may hold megabytes between two
     * snapshots (the skewed heap check, bench/README.md).
     */
    static final int MAX_WRITE_BYTES = 64 * 1_024;

    private final InternalValueState<String, TimeWindow, long[]> countState;
    private final InternalListState<String, TimeWindow, ActivityBundle> bundleState;
    private final KeyContext keys;
    private final int maxWindows;
    private final long maxActivities;
    private final Map<KeyedWindow, Held> held = new HashMap<>();
    /** Activities in the bundles held, of all windows. */
    private long heldActivities;
    /**
     * The latest end of a window whose state this instance did not write while it held it: a window restored
     * ({@link #mayBeStoredUntil}) or dropped from the heap. A window that ends later and is not on the heap has no state.
     */
    private long storedUntil = Long.MIN_VALUE;
    /** The window looked up last and its key: a bundle's arrival looks its window up three times. */
    private Object lastKey;
    private TimeWindow lastWindow;
    private Held lastHeld;

    private record KeyedWindow(Object key, TimeWindow window) {}

    private static final class Held {
        /** Never the array the state holds: heap state snapshots asynchronously, and must not see it change. */
        long[] counts;
        boolean changed;
        /** Whether the state may hold counts or bundles of this window. */
        boolean stored;
        /** The bundles that arrived since the last snapshot, in arrival order; null if none. */
        List<ActivityBundle> bundles;
        long activities;
    }

    HeldWindows(
            InternalValueState<String, TimeWindow, long[]> countState,
            InternalListState<String, TimeWindow, ActivityBundle> bundleState,
            KeyContext keys,
            int maxWindows,
            long maxActivities) {
        this.countState = countState;
        this.bundleState = bundleState;
        this.keys = keys;
        this.maxWindows = maxWindows;
        this.maxActivities = maxActivities;
    }

    /**
     * Windows that end by {@code windowEnd} may have state this instance did not write: those of a restored snapshot
     * (including bundles without counts, from a savepoint of a version before the counts).
     */
    void mayBeStoredUntil(long windowEnd) {
        storedUntil = Math.max(storedUntil, windowEnd);
    }

    /** The counts of {@code window} of the current key, null if it has none; changes count once {@link #putCounts}. */
    long[] counts(TimeWindow window) throws Exception {
        return lookUp(window).counts;
    }

    void putCounts(TimeWindow window, long[] counts) throws Exception {
        Held h = lookUp(window);
        h.counts = counts;
        h.changed = true;
        if (held.size() > maxWindows) {
            persist();
            held.keySet().forEach(dropped -> mayBeStoredUntil(dropped.window().getEnd()));
            held.clear();
            lastHeld = null;
        } else if (heldActivities > maxActivities) {
            persist();
        }
    }

    /** Appends a bundle to {@code window} of the current key. */
    void addBundle(TimeWindow window, ActivityBundle bundle) throws Exception {
        Held h = lookUp(window);
        if (h.bundles == null) {
            h.bundles = new ArrayList<>(4);
        }
        h.bundles.add(bundle);
        h.activities += bundle.size();
        heldActivities += bundle.size();
    }

    /** The bundles of {@code window} of the current key, in state and on the heap, in arrival order. */
    List<ActivityBundle> bundles(TimeWindow window) throws Exception {
        Held h = lookUp(window);
        List<ActivityBundle> all = new ArrayList<>();
        if (h.stored) {
            bundleState.setCurrentNamespace(window);
            Iterable<ActivityBundle> stored = bundleState.get();
            if (stored != null) {
                stored.forEach(all::add);
            }
        }
        if (h.bundles != null) {
            all.addAll(h.bundles);
        }
        return all;
    }

    /** Forgets the bundles of {@code window} of the current key (folded), on the heap and in state. */
    void dropBundles(TimeWindow window) throws Exception {
        Held h = lookUp(window);
        dropHeldBundles(h);
        if (h.stored) {
            bundleState.setCurrentNamespace(window);
            bundleState.clear();
        }
    }

    /** Forgets the counts and bundles of {@code window} of the current key, on the heap and in state. */
    void remove(TimeWindow window) throws Exception {
        Held h = held.remove(new KeyedWindow(keys.getCurrentKey(), window));
        lastHeld = null;
        dropHeldBundles(h);
        if (h == null ? mayBeStored(window) : h.stored) {
            countState.setCurrentNamespace(window);
            countState.clear();
            bundleState.setCurrentNamespace(window);
            bundleState.clear();
        }
    }

    /** Writes the counts changed and the bundles arrived since they were last written; before every snapshot. */
    void persist() throws Exception {
        Object current = keys.getCurrentKey();
        boolean wrote = false;
        for (Map.Entry<KeyedWindow, Held> e : held.entrySet()) {
            Held h = e.getValue();
            if (!h.changed && h.bundles == null) {
                continue;
            }
            keys.setCurrentKey(e.getKey().key());
            wrote = true;
            if (h.changed) {
                countState.setCurrentNamespace(e.getKey().window());
                countState.update(h.counts.clone());
                h.changed = false;
                h.stored = true;
            }
            if (h.bundles != null) {
                h.stored = true;
                bundleState.setCurrentNamespace(e.getKey().window());
                for (List<ActivityBundle> chunk : chunks(h.bundles, MAX_WRITE_BYTES)) {
                    bundleState.addAll(chunk);
                }
                h.bundles = null;
                h.activities = 0;
            }
        }
        heldActivities = 0;
        if (wrote && current != null) {
            keys.setCurrentKey(current); // the caller may be in the middle of an element or a timer of its own key
        }
    }

    /**
     * {@code bundles} in order, cut into runs of at most {@code maxBytes} encoded bytes (a bundle larger than that a
     * run of its own).
     */
    static List<List<ActivityBundle>> chunks(List<ActivityBundle> bundles, int maxBytes) {
        List<List<ActivityBundle>> chunks = new ArrayList<>(1);
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < bundles.size(); i++) {
            int next = bundles.get(i).encodedBytes();
            if (i > from && bytes + next > maxBytes) {
                chunks.add(bundles.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += next;
        }
        if (from < bundles.size()) {
            chunks.add(bundles.subList(from, bundles.size()));
        }
        return chunks;
    }

    private void dropHeldBundles(Held h) {
        if (h != null && h.bundles != null) {
            heldActivities -= h.activities;
            h.bundles = null;
            h.activities = 0;
        }
    }

    /** Whether {@code window} may have state this instance did not write: restored, or dropped from the heap. */
    boolean mayBeStored(TimeWindow window) {
        return window.getEnd() <= storedUntil;
    }

    private Held lookUp(TimeWindow window) throws Exception {
        Object currentKey = keys.getCurrentKey();
        if (lastHeld != null && currentKey == lastKey && window.equals(lastWindow)) {
            return lastHeld;
        }
        KeyedWindow key = new KeyedWindow(currentKey, window);
        Held h = held.get(key);
        if (h == null) {
            h = new Held();
            if (mayBeStored(window)) {
                countState.setCurrentNamespace(window);
                long[] stored = countState.value();
                h.counts = stored == null ? null : stored.clone();
                h.stored = true; // without counts, it may still hold bundles of a savepoint before them
            }
            held.put(key, h);
        }
        lastKey = currentKey;
        lastWindow = window;
        lastHeld = h;
        return h;
    }
}
