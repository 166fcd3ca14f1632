package io.trendstream.bench;

import io.trendstream.records.ActivityKind;
import io.trendstream.records.ProductActivity;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka Streams peer's pre-aggregation: one product's activities of one window, collected by an ingest task
 * and sent through the repartition topic as one record (as the pipeline's ActivityBundle). It keeps each event's id
 * and user, because the window counts each event once and its distinct users exactly.
 */
final class PeerBundle {
    final String productId;
    final long windowStart;
    long maxEventTime = Long.MIN_VALUE;
    final List<String> eventIds = new ArrayList<>();
    final List<String> userIds = new ArrayList<>();
    /** Per activity: units of an order, or -1 for a view. */
    final List<Integer> units = new ArrayList<>();
    final List<Long> revenueCents = new ArrayList<>();

    /** The start of the tumbling window of {@code windowMillis} that holds {@code eventTime} (as Kafka Streams' windows). */
    static long windowStart(long eventTime, long windowMillis) {
        return eventTime - Math.floorMod(eventTime, windowMillis);
    }

    PeerBundle(String productId, long windowStart) {
        this.productId = productId;
        this.windowStart = windowStart;
    }

    void add(ProductActivity activity) {
        boolean order = activity.kind() == ActivityKind.ORDER;
        add(activity.eventId(), activity.userId(), order ? activity.units() : -1, order ? activity.revenueCents() : 0,
                activity.eventTime());
    }

    void add(String eventId, String userId, int orderUnits, long cents, long eventTime) {
        eventIds.add(eventId);
        userIds.add(userId);
        units.add(orderUnits);
        revenueCents.add(cents);
        maxEventTime = Math.max(maxEventTime, eventTime);
    }

    int size() {
        return eventIds.size();
    }

    boolean isOrder(int i) {
        return units.get(i) >= 0;
    }
}
