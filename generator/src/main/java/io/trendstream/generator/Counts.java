package io.trendstream.generator;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a run sent, by kind.
 *
 * @param eventsSent every record written, to both topics
 * @param validOrders orders that count in the windows (on time, first copy), spike copies included
 * @param validViews views that count in the windows, spike copies included
 * @param spikeExtraOrders of {@code validOrders}, the copies added by spikes
 * @param spikeExtraViews of {@code validViews}, the copies added by spikes
 * @param duplicates exact re-sends of an earlier valid record
 * @param late valid events sent far too late (never counted in windows)
 * @param malformed records the job must dead-letter
 * @param malformedByReason {@code malformed} by the dead-letter reason the job must give (DeadLetterReason names)
 */
public record Counts(long eventsSent, long ordersTopicRecords, long viewsTopicRecords, long validOrders,
                     long validViews, long spikeExtraOrders, long spikeExtraViews, long duplicates, long late,
                     long lateOrders, long lateViews, long malformed, Map<String, Long> malformedByReason) {

    public Counts {
        malformedByReason = Map.copyOf(new TreeMap<>(malformedByReason));
    }
}
