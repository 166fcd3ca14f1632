package io.trendstream.functions;

import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import java.util.HashMap;
import java.util.Map;

/**
 * The counts {@link WindowContents} keeps per window ({@value WindowContents#COUNTS}), held on the heap while their
 * windows are open and written to state at each snapshot: so a bundle's arrival updates its window's counts without
 * a state read and write, two of the three RocksDB calls a bundle cost (bench/README.md). Whatever a snapshot holds
 * is what the state would hold without the heap copy, so savepoints and restores are unchanged; after a restore the
 * counts are read from state once per window.
 *
 * <p>The heap holds at most {@code maxWindows} windows: past that, the changed counts are written and the heap copy
 * dropped. A closed window's counts leave the heap and the state together ({@link #remove}).
 */
final class WindowCounts {

    /** Open windows whose counts are held on the heap at most: some 20 MB (about 200 bytes a window). */
    static final int MAX_WINDOWS = 100_000;

    private final InternalValueState<String, TimeWindow, long[]> state;
    private final KeyContext keys;
    private final int maxWindows;
    private final Map<KeyedWindow, Held> held = new HashMap<>();

    private record KeyedWindow(Object key, TimeWindow window) {}

    private static final class Held {
        /** Never the array the state holds: heap state snapshots asynchronously, and must not see it change. */
        long[] counts;
        boolean changed;
        /** Whether the state may hold counts of this window. */
        boolean stored;
    }

    WindowCounts(InternalValueState<String, TimeWindow, long[]> state, KeyContext keys, int maxWindows) {
        this.state = state;
        this.keys = keys;
        this.maxWindows = maxWindows;
    }

    /** The counts of {@code window} of the current key, null if it has none; changes count once {@link #put}. */
    long[] get(TimeWindow window) throws Exception {
        return lookUp(window).counts;
    }

    void put(TimeWindow window, long[] counts) throws Exception {
        Held h = lookUp(window);
        h.counts = counts;
        h.changed = true;
        if (held.size() > maxWindows) {
            persist();
            held.clear();
        }
    }

    /** Forgets the counts of {@code window} of the current key, on the heap and in state. */
    void remove(TimeWindow window) throws Exception {
        Held h = held.remove(new KeyedWindow(keys.getCurrentKey(), window));
        if (h == null || h.stored) {
            state.setCurrentNamespace(window);
            state.clear();
        }
    }

    /** Writes the counts changed since they were last written; before every snapshot. */
    void persist() throws Exception {
        Object current = keys.getCurrentKey();
        boolean wrote = false;
        for (Map.Entry<KeyedWindow, Held> e : held.entrySet()) {
            Held h = e.getValue();
            if (h.changed) {
                keys.setCurrentKey(e.getKey().key());
                state.setCurrentNamespace(e.getKey().window());
                state.update(h.counts.clone());
                h.changed = false;
                h.stored = true;
                wrote = true;
            }
        }
        if (wrote && current != null) {
            keys.setCurrentKey(current); // the caller may be in the middle of an element or a timer of its own key
        }
    }

    private Held lookUp(TimeWindow window) throws Exception {
        KeyedWindow key = new KeyedWindow(keys.getCurrentKey(), window);
        Held h = held.get(key);
        if (h == null) {
            state.setCurrentNamespace(window);
            long[] stored = state.value();
            h = new Held();
            h.counts = stored == null ? null : stored.clone();
            h.stored = stored != null;
            held.put(key, h);
        }
        return h;
    }
}
