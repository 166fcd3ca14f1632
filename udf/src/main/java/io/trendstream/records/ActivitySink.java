package io.trendstream.records;

/**
 * Takes activity field by field, so that an event's activity can be encoded as it is read, without an object per
 * activity ({@link ActivityBundle.Builder}). The strings are only read during the call.
 */
public interface ActivitySink {

    /** A view of {@code productId}. */
    void view(String productId, String eventId, String userId, long eventTime);

    /** The lines of an order for {@code productId}, merged: its units and revenue in minor currency units. */
    void order(String productId, String eventId, String userId, long eventTime, int units, long revenueCents);
}
