package io.trendstream.records;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Arrays;
import java.util.Objects;

/**
 * Activity of one product in one window, collected before the shuffle so that the window operator
 * takes one record (one state append, one trigger call) for many events. Flink serializes it with
 * {@link ActivityBundleSerializer}, which writes the product once per bundle.
 *
 * @param windowStart start of the tumbling window every activity in the bundle belongs to
 * @param activities the activities of {@code productId}, in arrival order; never modified after construction
 */
@TypeInfo(ActivityBundleTypeInfo.Factory.class)
public record ActivityBundle(String productId, long windowStart, ProductActivity[] activities) {

    /**
     * @throws IllegalArgumentException when an activity is of another product: a bundle is one product's,
     *     and its serializer writes the product once
     */
    public ActivityBundle {
        Objects.requireNonNull(productId, "productId");
        for (ProductActivity activity : activities) {
            if (!productId.equals(activity.productId())) {
                throw new IllegalArgumentException(
                        "activity " + activity.eventId() + " is of product " + activity.productId() + ", not " + productId);
            }
        }
    }

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
