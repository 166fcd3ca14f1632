package io.trendstream.records;

import java.util.HashSet;
import java.util.Set;

/** Totals of one product's window, added up from its activity when the window fires. */
public class ActivityAccumulator {
    public long orders;
    public long units;
    public long revenueCents;
    public long views;
    public Set<String> users;

    public ActivityAccumulator() {
        users = new HashSet<>();
    }

    /** For totalling a known number of activities: the set of users is sized once instead of growing and rehashing. */
    public ActivityAccumulator(int activities) {
        users = new HashSet<>(hashCapacityFor(activities));
    }

    /** A hash set's initial capacity that holds {@code elements} without growing (default load factor). */
    public static int hashCapacityFor(int elements) {
        return (int) (elements / 0.75f) + 1;
    }

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
