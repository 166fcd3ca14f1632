package io.trendstream.functions;

import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * A bounded number of one window's activities, on the heap, each event once: order ids with their units and
 * revenue cents, view ids, user ids, and how many activities of each kind arrived (retries included). What a
 * window adds up when it fires with its activity still held as bundles, and what it writes as a run when it folds
 * them ({@link WindowContents}, {@link FoldedRuns}). Ids are unique per kind of event: an order and a view with
 * the same id are two events. A retry is the same event (same id, same contents), so the last copy stands for all.
 * Ids are compared as the bundles' bytes ({@link DistinctIds}); no strings are made.
 */
final class DistinctActivity {

    /** The value of an order id in the per-event state of versions before the runs: units and revenue cents, in this order. */
    static final int UNITS = 0;
    static final int CENTS = 1;

    private final DistinctIds orders;
    private final DistinctIds views;
    private final DistinctIds users;
    /** Activities that arrived per kind ({@link ActivityKind#ordinal()}), retries included; a new array per reset. */
    long[] received = new long[ActivityKind.values().length];

    /** For about {@code activities} activities. */
    DistinctActivity(long activities) {
        orders = new DistinctIds(activities, true);
        views = new DistinctIds(activities, false);
        users = new DistinctIds(activities, false);
    }

    /** Empties this for about {@code activities} activities, reusing its tables ({@link DistinctIds#clear}). */
    DistinctActivity reset(long activities) {
        orders.clear(activities);
        views.clear(activities);
        users.clear(activities);
        received = new long[ActivityKind.values().length];
        return this;
    }

    void add(Iterable<ActivityBundle> bundles) {
        for (ActivityBundle bundle : bundles) {
            add(bundle);
        }
    }

    void add(ActivityBundle bundle) {
        ActivityBundle.Cursor activity = bundle.cursor();
        byte[] bytes = activity.bytes();
        while (activity.next()) {
            received[activity.kind().ordinal()]++;
            switch (activity.kind()) {
                case ORDER -> orders.add(bytes, activity.eventIdOffset(), activity.eventIdLength(),
                        activity.units(), activity.revenueCents());
                case VIEW -> views.add(bytes, activity.eventIdOffset(), activity.eventIdLength());
            }
            users.add(bytes, activity.userIdOffset(), activity.userIdLength());
        }
    }

    WindowAggregate aggregate(String productId, TimeWindow window) {
        long units = 0;
        long revenueCents = 0;
        for (int order = 0; order < orders.size(); order++) {
            units += orders.first(order);
            revenueCents += orders.second(order);
        }
        return new WindowAggregate(productId, window.getStart(), window.getEnd(),
                orders.size(), units, revenueCents, users.size(), views.size());
    }

    /** The distinct order ids, with their units and revenue cents ({@link #UNITS}, {@link #CENTS}): until the next {@link #reset}. */
    DistinctIds orderIds() {
        return orders;
    }

    DistinctIds viewIds() {
        return views;
    }

    DistinctIds userIds() {
        return users;
    }

    /** Activities held on the heap: what {@link #DistinctActivity(long)} is sized for. */
    static long count(Iterable<ActivityBundle> bundles) {
        long n = 0;
        for (ActivityBundle bundle : bundles) {
            n += bundle.size();
        }
        return n;
    }
}
