package io.trendstream.records;

import java.util.Arrays;

/**
 * Activity of one product in one window, collected before the shuffle so that the window operator
 * takes one record (one state append, one trigger call) for many events. An array, not a list, so
 * that Flink serializes it with its own array serializer rather than Kryo.
 *
 * @param windowStart start of the tumbling window every activity in the bundle belongs to
 * @param activities the activities, in arrival order; never modified after construction
 */
public record ActivityBundle(String productId, long windowStart, ProductActivity[] activities) {

    /** A bundle of one activity. */
    public static ActivityBundle of(ProductActivity activity, long windowStart) {
        return new ActivityBundle(activity.productId(), windowStart, new ProductActivity[] {activity});
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivityBundle other && windowStart == other.windowStart
                && productId.equals(other.productId) && Arrays.equals(activities, other.activities);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * productId.hashCode() + Long.hashCode(windowStart)) + Arrays.hashCode(activities);
    }

    @Override
    public String toString() {
        return "ActivityBundle[productId=" + productId + ", windowStart=" + windowStart
                + ", activities=" + Arrays.toString(activities) + "]";
    }
}
