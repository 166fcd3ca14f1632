package io.trendstream.records;

import java.util.HashSet;
import java.util.Set;

/** Totals of one product's window, added up from its activity when the window fires. */
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

}
