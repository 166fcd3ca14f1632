package io.trendstream.functions;

import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.ProductActivity;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What an open window of one product keeps: each distinct event once, and each distinct user once, so that
 * its state grows with the distinct events and users, not with the activity that arrives (retries, a bot, a
 * sale on one product). Per window (the state namespace):
 * <ul>
 *   <li>{@value #ORDERS}: order event id to its units and revenue cents on this product;</li>
 *   <li>{@value #VIEWS}: view event ids;</li>
 *   <li>{@value #USERS}: user ids of both kinds;</li>
 *   <li>{@value #RECEIVED}: activities received per kind, retries included (duplicates are what exceeds the
 *   distinct events).</li>
 * </ul>
 *
 * <p>A bundle is written without reading the window first: a retry is the same event (same id, same contents),
 * so putting it again leaves the map as it was. On RocksDB that is one write batch per map and bundle, and one
 * small read for the counts, instead of a read per event. The totals are added up when the window fires, by
 * iterating the maps (RocksDB reads them in chunks, so a firing does not hold a window's ids on the heap).
 * Ids are unique per kind of event: an order and a view with the same id are two events.
 */
final class WindowContents {

    static final String ORDERS = "window-orders";
    static final String VIEWS = "window-views";
    static final String USERS = "window-users";
    static final String RECEIVED = "window-received";

    static final MapStateDescriptor<String, long[]> ORDERS_DESCRIPTOR =
            new MapStateDescriptor<>(ORDERS, Types.STRING, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    static final MapStateDescriptor<String, Boolean> VIEWS_DESCRIPTOR =
            new MapStateDescriptor<>(VIEWS, Types.STRING, Types.BOOLEAN);
    static final MapStateDescriptor<String, Boolean> USERS_DESCRIPTOR =
            new MapStateDescriptor<>(USERS, Types.STRING, Types.BOOLEAN);
    static final ValueStateDescriptor<long[]> RECEIVED_DESCRIPTOR =
            new ValueStateDescriptor<>(RECEIVED, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);

    /** The value of an order id: units and revenue cents, in this order. */
    private static final int UNITS = 0;
    private static final int CENTS = 1;

    private final InternalMapState<String, TimeWindow, String, long[]> orders;
    private final InternalMapState<String, TimeWindow, String, Boolean> views;
    private final InternalMapState<String, TimeWindow, String, Boolean> users;
    private final InternalValueState<String, TimeWindow, long[]> received;

    WindowContents(
            InternalMapState<String, TimeWindow, String, long[]> orders,
            InternalMapState<String, TimeWindow, String, Boolean> views,
            InternalMapState<String, TimeWindow, String, Boolean> users,
            InternalValueState<String, TimeWindow, long[]> received) {
        this.orders = orders;
        this.views = views;
        this.users = users;
        this.received = received;
    }

    /** Adds a bundle's activity to {@code window} of the current key. */
    void add(TimeWindow window, ActivityBundle bundle) throws Exception {
        select(window);
        ProductActivity[] activities = bundle.activities();
        int capacity = (int) (activities.length / 0.75f) + 1;
        Map<String, long[]> orderIds = new HashMap<>(capacity);
        Map<String, Boolean> viewIds = new HashMap<>(capacity);
        Map<String, Boolean> userIds = new HashMap<>(capacity);
        long[] counts = new long[ActivityKind.values().length];
        for (ProductActivity activity : activities) {
            counts[activity.kind().ordinal()]++;
            switch (activity.kind()) {
                case ORDER -> orderIds.put(activity.eventId(), new long[] {activity.units(), activity.revenueCents()});
                case VIEW -> viewIds.put(activity.eventId(), Boolean.TRUE);
            }
            userIds.put(activity.userId(), Boolean.TRUE);
        }
        putAll(orders, orderIds);
        putAll(views, viewIds);
        putAll(users, userIds);
        long[] before = received.value();
        if (before != null) {
            for (int kind = 0; kind < counts.length; kind++) {
                counts[kind] += before[kind];
            }
        }
        received.update(counts);
    }

    /** The window's totals: each event once, each user once. */
    WindowAggregate aggregate(String productId, TimeWindow window) throws Exception {
        select(window);
        long orderCount = 0;
        long units = 0;
        long revenueCents = 0;
        for (Iterator<Map.Entry<String, long[]>> entries = orders.iterator(); entries.hasNext(); ) {
            long[] order = entries.next().getValue();
            orderCount++;
            units += order[UNITS];
            revenueCents += order[CENTS];
        }
        return new WindowAggregate(productId, window.getStart(), window.getEnd(),
                orderCount, units, revenueCents, count(users.iterator()), count(views.iterator()));
    }

    /** Activities received per kind ({@link ActivityKind#ordinal()}), retries included; null if none reached the window. */
    long[] received(TimeWindow window) throws Exception {
        select(window);
        return received.value();
    }

    void clear(TimeWindow window) {
        select(window);
        orders.clear();
        views.clear();
        users.clear();
        received.clear();
    }

    private void select(TimeWindow window) {
        orders.setCurrentNamespace(window);
        views.setCurrentNamespace(window);
        users.setCurrentNamespace(window);
        received.setCurrentNamespace(window);
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
