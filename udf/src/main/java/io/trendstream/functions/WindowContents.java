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

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What an open window of one product keeps, bounded by its distinct events and users, not by the activity that
 * arrives (retries, a bot, a sale on one product). Per window (the state namespace):
 * <ul>
 *   <li>{@value #BUNDLES}: the latest bundles as they arrived, at most {@code foldAfter} activities
 *   ({@code window.fold-after});</li>
 *   <li>once more would arrive, the held bundles are folded into per-event state, each event and user once:
 *   {@value #ORDERS} (order event id to its units and revenue cents on this product), {@value #VIEWS} (view event
 *   ids), {@value #USERS} (user ids of both kinds). A fold writes one batch per map, without reading them first: a
 *   retry is the same event, so writing it again leaves the map as it was;</li>
 *   <li>{@value #COUNTS}: the activities held as bundles, and the orders and views folded, retries included (the
 *   duplicates are what exceeds the distinct events); and the duplicates of each kind that the window's firings
 *   reported, so that a re-firing reports only new ones.</li>
 * </ul>
 * The counts, and the bundles that arrived since the last snapshot, are held on the heap and written at each snapshot
 * ({@link HeldWindows}): a bundle's arrival costs no state access, and a window that closes before the next snapshot
 * writes no bundles at all.
 * So a window of up to {@code foldAfter} activities, most windows, costs what a list of bundles cost; a larger one
 * costs a write per distinct event and user, and its state and the heap it needs to fire stay bounded: a firing
 * holds at most {@code foldAfter} activities on the heap and iterates the maps (RocksDB reads them in chunks).
 *
 * <p>{@value #BUNDLES} is the list state of Flink's window operator of earlier versions, same name and format, so
 * their savepoints' open windows restore as held bundles (their count is not known: such a window folds
 * {@code foldAfter} activities late, at most once). Versions before the reported duplicates were counts kept them in
 * a state of their own, {@value #REPORTED_DUPLICATES}, written at every firing that found a duplicate and deleted with
 * the window (an eighth of the window task's samples in a replay, bench/README.md); a window restored from those is read
 * from it until its counts hold them.
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
    /** The duplicates reported, per kind ({@link ActivityKind#ordinal()}) from here; counts of earlier versions end before. */
    private static final int REPORTED = 3;
    private static final int FIELDS = REPORTED + ActivityKind.values().length;

    /** A firing's totals, with the activities that arrived per kind ({@link ActivityKind#ordinal()}), retries included. */
    record Fired(WindowAggregate aggregate, long[] received) {}

    private final InternalMapState<String, TimeWindow, String, long[]> orders;
    private final InternalMapState<String, TimeWindow, String, Boolean> views;
    private final InternalMapState<String, TimeWindow, String, Boolean> users;
    private final InternalValueState<String, TimeWindow, long[]> reportedBefore;
    private final HeldWindows held;
    private final int foldAfter;
    /** The distinct events and users of one firing or fold at a time: its tables are reused. */
    private final DistinctActivity distinct = new DistinctActivity(0);

    WindowContents(
            InternalMapState<String, TimeWindow, String, long[]> orders,
            InternalMapState<String, TimeWindow, String, Boolean> views,
            InternalMapState<String, TimeWindow, String, Boolean> users,
            InternalValueState<String, TimeWindow, long[]> reportedBefore,
            HeldWindows held,
            int foldAfter) {
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
        long[] count = held.counts(window);
        boolean first = count == null;
        if (first) {
            // A window restored from a version before the counts may have reported duplicates in their old state:
            // counts without them say so (reportedDuplicates).
            count = new long[held.mayBeStored(window) ? REPORTED : FIELDS];
        }
        if (count[HELD] + bundle.size() > foldAfter) {
            fold(window, count, bundle);
        } else {
            held.addBundle(window, bundle);
            count[HELD] += bundle.size();
        }
        held.putCounts(window, count);
        return first;
    }

    /** The window's totals, each event once and each user once; null if nothing reached the window. */
    Fired fire(String productId, TimeWindow window) throws Exception {
        long[] count = held.counts(window);
        if (count == null || count[ORDERS_FOLDED] + count[VIEWS_FOLDED] == 0) {
            List<ActivityBundle> bundles = held.bundles(window);
            DistinctActivity distinct = this.distinct.reset(count == null ? DistinctActivity.count(bundles) : count[HELD]);
            distinct.add(bundles);
            boolean empty = distinct.received[ActivityKind.ORDER.ordinal()] + distinct.received[ActivityKind.VIEW.ordinal()] == 0;
            return empty ? null : new Fired(distinct.aggregate(productId, window), distinct.received);
        }
        if (count[HELD] > 0) {
            fold(window, count, null);
            held.putCounts(window, count);
        }
        select(window);
        long orderCount = 0;
        long units = 0;
        long revenueCents = 0;
        for (Iterator<Map.Entry<String, long[]>> entries = orders.iterator(); entries.hasNext(); ) {
            long[] order = entries.next().getValue();
            orderCount++;
            units += order[DistinctActivity.UNITS];
            revenueCents += order[DistinctActivity.CENTS];
        }
        WindowAggregate aggregate = new WindowAggregate(productId, window.getStart(), window.getEnd(),
                orderCount, units, revenueCents, count(users.iterator()), count(views.iterator()));
        return new Fired(aggregate, new long[] {count[ORDERS_FOLDED], count[VIEWS_FOLDED]});
    }

    /**
     * The duplicates of each kind ({@link ActivityKind#ordinal()}) that firings of {@code window} reported so far, as
     * {@link #reportDuplicates} left them; null or zeros if none did.
     */
    long[] reportedDuplicates(TimeWindow window) throws Exception {
        long[] count = held.counts(window);
        if (count != null && count.length == FIELDS) {
            return Arrays.copyOfRange(count, REPORTED, FIELDS);
        }
        reportedBefore.setCurrentNamespace(window); // a window restored from a version before they were counts
        return reportedBefore.value();
    }

    /** Keeps what firings of {@code window} reported so far, for {@link #reportedDuplicates}: no state access of its own. */
    void reportDuplicates(TimeWindow window, long[] duplicates) throws Exception {
        long[] count = held.counts(window);
        if (count == null) {
            // Restored from a version before the counts, with its bundles alone: what it reported stays where it was.
            reportedBefore.setCurrentNamespace(window);
            reportedBefore.update(duplicates);
            return;
        }
        long[] next = count.length == FIELDS ? count : Arrays.copyOf(count, FIELDS);
        System.arraycopy(duplicates, 0, next, REPORTED, duplicates.length);
        held.putCounts(window, next);
    }

    void clear(TimeWindow window) throws Exception {
        long[] count = held.counts(window);
        if (count != null && count[ORDERS_FOLDED] + count[VIEWS_FOLDED] > 0) {
            select(window);
            orders.clear(); // on RocksDB an iteration: only for windows that folded
            views.clear();
            users.clear();
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

    /** Writes the held bundles, and {@code more} if not null, as distinct events and users, and drops the bundles. */
    private void fold(TimeWindow window, long[] count, ActivityBundle more) throws Exception {
        DistinctActivity distinct = this.distinct.reset(count[HELD] + (more == null ? 0 : more.size()));
        distinct.add(held.bundles(window));
        if (more != null) {
            distinct.add(more);
        }
        select(window);
        putAll(orders, distinct.orders());
        putAll(views, distinct.views());
        putAll(users, distinct.users());
        held.dropBundles(window);
        count[HELD] = 0;
        count[ORDERS_FOLDED] += distinct.received[ActivityKind.ORDER.ordinal()];
        count[VIEWS_FOLDED] += distinct.received[ActivityKind.VIEW.ordinal()];
    }

    private void select(TimeWindow window) {
        orders.setCurrentNamespace(window);
        views.setCurrentNamespace(window);
        users.setCurrentNamespace(window);
    }

    private static <V> void putAll(InternalMapState<String, TimeWindow, String, V> state, Map<String, V> entries)
            throws Exception {
        if (!entries.isEmpty()) {
            state.putAll(entries);
        }
    }

    /** Counts entries without reading their keys or values (RocksDB deserializes them only when asked). */
    private static long count(Iterator<?> entries) {
        long n = 0;
        while (entries.hasNext()) {
            entries.next();
            n++;
        }
        return n;
    }
}
