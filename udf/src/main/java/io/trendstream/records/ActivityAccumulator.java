package io.trendstream.records;

import java.util.HashSet;
import java.util.Set;

/**
 * Running totals of one product's window, kept in window state. A Flink POJO, so that fields can be
 * added across savepoints (POJO schema evolution).
 */
public class ActivityAccumulator {
    public long orders;
    public long units;
    public long revenueCents;
    public long views;
    public Set<String> users = new HashSet<>();

    public ActivityAccumulator() {}

    public void add(ProductActivity activity) {
        switch (activity.kind()) {
            case ORDER -> {
                orders++;
                units += activity.units();
                revenueCents += activity.revenueCents();
            }
            case VIEW -> views++;
        }
        users.add(activity.userId());
    }

    public ActivityAccumulator merge(ActivityAccumulator other) {
        orders += other.orders;
        units += other.units;
        revenueCents += other.revenueCents;
        views += other.views;
        users.addAll(other.users);
        return this;
    }
}
