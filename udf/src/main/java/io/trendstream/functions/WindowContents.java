package io.trendstream.functions;

import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityBundleSerializer;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What an open window of one product keeps, bounded by its distinct events and users, not by the activity that
 * arrives (retries, a bot, a sale on one product). Per window (the state namespace):
 * <ul>
 *   <li>{@value #BUNDLES}: the latest bundles as they arrived, at most {@code foldAfter} activities
 *   ({@code window.fold-after});</li>
 *   <li>once more would arrive, the held bundles are folded: their distinct events and users are written as a sorted
 *   run of a few blocks ({@link FoldedRuns}, {@value FoldedRuns#STATE}), and runs merge so that together they hold at
 *   most twice the window's distinct events and users;</li>
 *   <li>{@value #COUNTS}: the activities held as bundles, and the orders and views folded, retries included (the
 *   duplicates are what exceeds the distinct events); the duplicates of each kind that the window's firings
 *   reported, so that a re-firing reports only new ones; and its runs.</li>
 * </ul>
 * The counts, and the bundles that arrived since the last snapshot, are held on the heap and written at each snapshot
 * ({@link HeldWindows}): a bundle's arrival costs no state access, and a window that closes before the next snapshot
 * writes no bundles at all.
 * So a window of up to {@code foldAfter} activities, most windows, costs what a list of bundles cost; a larger one
 * costs a few block writes per fold, and its state and the heap it needs to fire stay bounded: a firing merges the
 * runs, a block of each on the heap, with what the window holds (at most {@code foldAfter} activities), and writes
 * nothing.
 *
 * <p>{@value #BUNDLES} is the list state of Flink's window operator of earlier versions, same name and format, so
 * their savepoints' open windows restore as held bundles (their count is not known: such a window folds
 * {@code foldAfter} activities late, at most once). Versions before the runs folded into a state entry per event and
 * user ({@value #ORDERS}, {@value #VIEWS}, {@value #USERS}); a window restored from those rewrites them as runs when
 * it next folds or fires. Versions before the reported duplicates were counts kept them in a state of their own,
 * {@value #REPORTED_DUPLICATES}, written at every firing that found a duplicate and deleted with the window (an eighth
 * of the window task's samples in a replay, bench/README.md); a window restored from those is read from it until its
 * counts hold them.
 */
final class WindowContents {

    static final String BUNDLES = "window-contents";
    static final String ORDERS = "window-orders";
    static final String VIEWS = "window-views";
    static final String USERS = "window-users";
    static final String COUNTS = "window-counts";
    static final String REPORTED_DUPLICATES = "reported-duplicates";

    static final ListStateDescriptor<ActivityBundle> BUNDLES_DESCRIPTOR =
            new ListStateDescriptor<>(BUNDLES, new ActivityBundleSerializer());
    /** Of versions that folded into a state entry per event and user; read once by a window restored from them. */
    static final MapStateDescriptor<String, long[]> ORDERS_DESCRIPTOR =
            new MapStateDescriptor<>(ORDERS, Types.STRING, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    static final MapStateDescriptor<String, Boolean> VIEWS_DESCRIPTOR =
            new MapStateDescriptor<>(VIEWS, Types.STRING, Types.BOOLEAN);
    static final MapStateDescriptor<String, Boolean> USERS_DESCRIPTOR =
            new MapStateDescriptor<>(USERS, Types.STRING, Types.BOOLEAN);
    static final ValueStateDescriptor<long[]> COUNTS_DESCRIPTOR =
            new ValueStateDescriptor<>(COUNTS, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Of versions before the reported duplicates were {@value #COUNTS}: per window, per kind. */
    static final ValueStateDescriptor<long[]> REPORTED_DUPLICATES_DESCRIPTOR =
            new ValueStateDescriptor<>(REPORTED_DUPLICATES, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);

    /** Positions in {@value #COUNTS}. */
    private static final int HELD = 0;
    private static final int ORDERS_FOLDED = 1;
    private static final int VIEWS_FOLDED = 2;
    /** The duplicates reported, per kind ({@link ActivityKind#ordinal()}) from here; counts of three fields end before. */
    private static final int REPORTED = 3;
    /** {@link #OLD_REPORTED} and {@link #OLD_FOLDED}, of counts of five fields and fewer: ours have more. */
    private static final int FLAGS = REPORTED + ActivityKind.values().length;
    /** The folded runs' description ({@link FoldedRuns}) from here to the end. */
    private static final int RUNS = FLAGS + 1;

    /** The duplicates firings reported are in {@value #REPORTED_DUPLICATES}, as versions before the counts kept them. */
    private static final long OLD_REPORTED = 1;
    /** What the window folded is in {@value #ORDERS}, {@value #VIEWS} and {@value #USERS}, as versions before the runs kept it. */
    private static final long OLD_FOLDED = 2;

    /** A firing's totals, with the activities that arrived per kind ({@link ActivityKind#ordinal()}), retries included. */
    record Fired(WindowAggregate aggregate, long[] received) {}

    private final InternalMapState<String, TimeWindow, String, long[]> orders;
    private final InternalMapState<String, TimeWindow, String, Boolean> views;
    private final InternalMapState<String, TimeWindow, String, Boolean> users;
    private final InternalValueState<String, TimeWindow, long[]> reportedBefore;
    private final FoldedRuns runs;
    private final HeldWindows held;
    private final int foldAfter;
    /** The distinct events and users of one firing or fold at a time: its tables are reused. */
    private final DistinctActivity distinct = new DistinctActivity(0);

    WindowContents(
            FoldedRuns runs,
            InternalMapState<String, TimeWindow, String, long[]> orders,
            InternalMapState<String, TimeWindow, String, Boolean> views,
            InternalMapState<String, TimeWindow, String, Boolean> users,
            InternalValueState<String, TimeWindow, long[]> reportedBefore,
            HeldWindows held,
            int foldAfter) {
        this.runs = runs;
        this.orders = orders;
        this.views = views;
        this.users = users;
        this.reportedBefore = reportedBefore;
        this.held = held;
        this.foldAfter = foldAfter;
    }

    /**
     * Adds a bundle's activity to {@code window} of the current key.
     *
     * @return whether the window had no state of this version before (its first bundle, or a window restored from a
     *     savepoint of the version before {@value #COUNTS})
     */
    boolean add(TimeWindow window, ActivityBundle bundle) throws Exception {
        long[] count = counts(window);
        boolean first = count == null;
        if (first) {
            count = new long[RUNS];
            // A window restored from a version before the counts may have reported duplicates in their old state.
            count[FLAGS] = held.mayBeStored(window) ? OLD_REPORTED : 0;
        }
        if (count[HELD] + bundle.size() > foldAfter) {
            count = fold(window, count, bundle);
        } else {
            held.addBundle(window, bundle);
            count[HELD] += bundle.size();
        }
        held.putCounts(window, count);
        return first;
    }

    /** The window's totals, each event once and each user once; null if nothing reached the window. */
    Fired fire(String productId, TimeWindow window) throws Exception {
        long[] count = counts(window);
        if (count == null || count[ORDERS_FOLDED] + count[VIEWS_FOLDED] == 0) {
            List<ActivityBundle> bundles = held.bundles(window);
            DistinctActivity distinct = this.distinct.reset(count == null ? DistinctActivity.count(bundles) : count[HELD]);
            distinct.add(bundles);
            boolean empty = distinct.received[ActivityKind.ORDER.ordinal()] + distinct.received[ActivityKind.VIEW.ordinal()] == 0;
            return empty ? null : new Fired(distinct.aggregate(productId, window), distinct.received);
        }
        if ((count[FLAGS] & OLD_FOLDED) != 0) {
            count = convertOldFolded(window, count);
            held.putCounts(window, count);
        }
        long[] received = {count[ORDERS_FOLDED], count[VIEWS_FOLDED]};
        FoldedRuns.Entries heldEntries = null;
        if (count[HELD] > 0) {
            // Merged with the runs, not written as one: like a window that never folded, the held activity stays as
            // bundles until a snapshot writes them or the window is removed (writing it as a run here, only to read it
            // back at once, was 29 % of the window task at a live stream's density, bench/README.md).
            DistinctActivity distinct = this.distinct.reset(count[HELD]);
            distinct.add(held.bundles(window));
            received[ActivityKind.ORDER.ordinal()] += distinct.received[ActivityKind.ORDER.ordinal()];
            received[ActivityKind.VIEW.ordinal()] += distinct.received[ActivityKind.VIEW.ordinal()];
            heldEntries = FoldedRuns.sorted(distinct);
        }
        FoldedRuns.Totals totals = runs.total(window, runsOf(count), heldEntries);
        WindowAggregate aggregate = new WindowAggregate(productId, window.getStart(), window.getEnd(),
                totals.orders, totals.units, totals.revenueCents, totals.users, totals.views);
        return new Fired(aggregate, received);
    }

    /**
     * The duplicates of each kind ({@link ActivityKind#ordinal()}) that firings of {@code window} reported so far, as
     * {@link #reportDuplicates} left them; null or zeros if none did.
     */
    long[] reportedDuplicates(TimeWindow window) throws Exception {
        long[] count = counts(window);
        if (count != null && (count[FLAGS] & OLD_REPORTED) == 0) {
            return Arrays.copyOfRange(count, REPORTED, FLAGS);
        }
        reportedBefore.setCurrentNamespace(window); // a window restored from a version before they were counts
        return reportedBefore.value();
    }

    /** Keeps what firings of {@code window} reported so far, for {@link #reportedDuplicates}: no state access of its own. */
    void reportDuplicates(TimeWindow window, long[] duplicates) throws Exception {
        long[] count = counts(window);
        if (count == null) {
            // Restored from a version before the counts, with its bundles alone: what it reported stays where it was.
            reportedBefore.setCurrentNamespace(window);
            reportedBefore.update(duplicates);
            return;
        }
        System.arraycopy(duplicates, 0, count, REPORTED, duplicates.length);
        count[FLAGS] &= ~OLD_REPORTED;
        held.putCounts(window, count);
    }

    void clear(TimeWindow window) throws Exception {
        long[] count = counts(window);
        if (count != null) {
            if ((count[FLAGS] & OLD_FOLDED) != 0) {
                clearOldFolded(window);
            }
            runs.clear(window, runsOf(count));
        }
        if (held.mayBeStored(window)) {
            reportedBefore.setCurrentNamespace(window); // only a restored window can have it
            reportedBefore.clear();
        }
        held.remove(window);
    }

    /** Writes what is held on the heap to state; before every snapshot. */
    void persist() throws Exception {
        held.persist();
    }

    /**
     * The counts of {@code window} of the current key in the current layout, null if it has none. Counts of earlier
     * versions (three or five fields) are copied into it, with what they imply in {@link #FLAGS}; the copy is kept
     * once it changes ({@link HeldWindows#putCounts}).
     */
    private long[] counts(TimeWindow window) throws Exception {
        long[] count = held.counts(window);
        if (count == null || count.length >= RUNS) {
            return count;
        }
        long[] current = Arrays.copyOf(count, RUNS);
        if (count.length <= REPORTED) {
            current[FLAGS] |= OLD_REPORTED;
        }
        if (count[ORDERS_FOLDED] + count[VIEWS_FOLDED] > 0) {
            current[FLAGS] |= OLD_FOLDED;
        }
        return current;
    }

    /**
     * Writes the held bundles and {@code more} as a run of distinct events and users, and drops the bundles; first
     * rewrites the per-event state of an earlier version, if the window has any.
     */
    private long[] fold(TimeWindow window, long[] count, ActivityBundle more) throws Exception {
        if ((count[FLAGS] & OLD_FOLDED) != 0) {
            count = convertOldFolded(window, count);
        }
        DistinctActivity distinct = this.distinct.reset(count[HELD] + more.size());
        distinct.add(held.bundles(window));
        distinct.add(more);
        long[] after = withRuns(count, runs.add(window, runsOf(count), FoldedRuns.sorted(distinct)));
        held.dropBundles(window);
        after[HELD] = 0;
        after[ORDERS_FOLDED] += distinct.received[ActivityKind.ORDER.ordinal()];
        after[VIEWS_FOLDED] += distinct.received[ActivityKind.VIEW.ordinal()];
        return after;
    }

    /**
     * Rewrites a window's per-event state of an earlier version as runs, {@code window.fold-after} entries (at least
     * a block's worth) at a time, and deletes it: once per window restored from such a savepoint.
     */
    private long[] convertOldFolded(TimeWindow window, long[] count) throws Exception {
        OldStateRuns converted = new OldStateRuns(window, runsOf(count));
        selectOldFolded(window);
        for (Map.Entry<String, long[]> order : orders.entries()) {
            converted.order(order.getKey(), order.getValue()[DistinctActivity.UNITS],
                    order.getValue()[DistinctActivity.CENTS]);
        }
        for (String view : views.keys()) {
            converted.view(view);
        }
        for (String user : users.keys()) {
            converted.user(user);
        }
        long[] after = withRuns(count, converted.finish());
        clearOldFolded(window);
        after[FLAGS] &= ~OLD_FOLDED;
        return after;
    }

    /**
     * The runs one window's old per-event state is rewritten as: a run per {@code window.fold-after} entries (at least
     * a block's worth), the sets emptied after each (their tables are reused).
     */
    private final class OldStateRuns {
        private final TimeWindow window;
        private final long chunk = Math.max(foldAfter, 4_096);
        private final DistinctActivity distinct = WindowContents.this.distinct.reset(chunk);
        private long[] folded;
        private long inChunk;

        OldStateRuns(TimeWindow window, long[] folded) {
            this.window = window;
            this.folded = folded;
        }

        void order(String eventId, long units, long cents) throws Exception {
            add(distinct.orderIds(), eventId, units, cents);
        }

        void view(String eventId) throws Exception {
            add(distinct.viewIds(), eventId, 0, 0);
        }

        void user(String userId) throws Exception {
            add(distinct.userIds(), userId, 0, 0);
        }

        private void add(DistinctIds ids, String id, long first, long second) throws Exception {
            WindowContents.add(ids, id, first, second);
            if (++inChunk == chunk) {
                write();
                distinct.reset(chunk);
            }
        }

        long[] finish() throws Exception {
            if (inChunk > 0) {
                write();
            }
            return folded;
        }

        private void write() throws Exception {
            folded = runs.add(window, folded, FoldedRuns.sorted(distinct));
            inChunk = 0;
        }
    }

    private void clearOldFolded(TimeWindow window) throws Exception {
        selectOldFolded(window);
        orders.clear(); // on RocksDB an iteration: once per restored window that folded
        views.clear();
        users.clear();
    }

    private void selectOldFolded(TimeWindow window) {
        orders.setCurrentNamespace(window);
        views.setCurrentNamespace(window);
        users.setCurrentNamespace(window);
    }

    private static long[] runsOf(long[] count) {
        return Arrays.copyOfRange(count, RUNS, count.length);
    }

    private static long[] withRuns(long[] count, long[] folded) {
        long[] after = Arrays.copyOf(count, RUNS + folded.length);
        System.arraycopy(folded, 0, after, RUNS, folded.length);
        return after;
    }

    /** Adds an id of the per-event state as the bundles held it: its UTF-8 bytes; the missing id (null) as such. */
    private static void add(DistinctIds ids, String id, long first, long second) {
        if (id == null) {
            ids.add(new byte[0], 0, -1, first, second);
        } else {
            byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            ids.add(bytes, 0, bytes.length, first, second);
        }
    }
}
