package io.trendstream.functions;

import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.ProductActivity;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import java.util.HashMap;
import java.util.Map;

/**
 * A bounded number of one window's activities, on the heap, each event once: order ids with their units and
 * revenue cents, view ids, user ids, and how many activities of each kind arrived (retries included). What a
 * window adds up when it fires with its activity still held as bundles, and what it writes to its per-event
 * state when it folds them ({@link WindowContents}). Ids are unique per kind of event: an order and a view with
 * the same id are two events. A retry is the same event (same id, same contents), so the last copy stands for all.
 */
final class DistinctActivity {

    /** The value of an order id: units and revenue cents, in this order. */
    static final int UNITS = 0;
    static final int CENTS = 1;

    final Map<String, long[]> orders;
    final Map<String, Boolean> views;
    final Map<String, Boolean> users;
    /** Activities that arrived per kind ({@link ActivityKind#ordinal()}), retries included. */
    final long[] received = new long[ActivityKind.values().length];

    /** For about {@code activities} activities: the maps are sized once instead of growing and rehashing. */
    DistinctActivity(long activities) {
        int capacity = (int) Math.min(activities / 0.75f + 1, 1 << 30);
        orders = new HashMap<>(capacity);
        views = new HashMap<>(capacity);
        users = new HashMap<>(capacity);
    }

    void add(Iterable<ActivityBundle> bundles) {
        for (ActivityBundle bundle : bundles) {
            add(bundle);
        }
    }

    void add(ActivityBundle bundle) {
        for (ProductActivity activity : bundle.activities()) {
            received[activity.kind().ordinal()]++;
            switch (activity.kind()) {
                case ORDER -> orders.put(activity.eventId(), new long[] {activity.units(), activity.revenueCents()});
                case VIEW -> views.put(activity.eventId(), Boolean.TRUE);
            }
            users.put(activity.userId(), Boolean.TRUE);
        }
    }

    WindowAggregate aggregate(String productId, TimeWindow window) {
        long units = 0;
        long revenueCents = 0;
        for (long[] order : orders.values()) {
            units += order[UNITS];
            revenueCents += order[CENTS];
        }
        return new WindowAggregate(productId, window.getStart(), window.getEnd(),
                orders.size(), units, revenueCents, users.size(), views.size());
    }

    /** Activities held on the heap: what {@link #DistinctActivity(long)} is sized for. */
    static long count(Iterable<ActivityBundle> bundles) {
        long n = 0;
        for (ActivityBundle bundle : bundles) {
            n += bundle.activities().length;
        }
        return n;
    }
}
