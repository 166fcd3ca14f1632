package io.trendstream.bench;

import java.util.HashSet;
import java.util.Set;

/**
 * The Kafka Streams peer's window aggregate: totals plus the ids of the events counted (each event once per window:
 * a retry has the same id and event time, so it lands in the same window, as in the pipeline) and the distinct users.
 */
final class PeerWindowTotals {
    long orders;
    long units;
    long revenueCents;
    long views;
    final Set<String> eventIds = new HashSet<>();
    final Set<String> users = new HashSet<>();

    /** Adds the bundle's activities not counted yet; returns how many were new. */
    int add(PeerBundle bundle) {
        int added = 0;
        for (int i = 0; i < bundle.size(); i++) {
            boolean order = bundle.isOrder(i);
            // Ids are unique per kind of event: an order and a view with the same id are two events.
            if (!eventIds.add((order ? "o:" : "v:") + bundle.eventIds.get(i))) {
                continue;
            }
            added++;
            if (order) {
                orders++;
                units += bundle.units.get(i);
                revenueCents += bundle.revenueCents.get(i);
            } else {
                views++;
            }
            users.add(bundle.userIds.get(i));
        }
        return added;
    }
}
