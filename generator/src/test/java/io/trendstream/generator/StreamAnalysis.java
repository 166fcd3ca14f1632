package io.trendstream.generator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.records.ActivityKind;

/**
 * What the job makes of records read back, recomputed from the records alone: dead letters by reason, duplicates
 * (an event id seen before in the topic), late events (more than an hour behind the newest event time read before
 * it in the same partition), and the window totals of everything else.
 */
final class StreamAnalysis {

    static final long LATE_MILLIS = Duration.ofHours(1).toMillis();

    final Map<String, Long> malformedByReason = new TreeMap<>();
    final List<LateEventEntry> lateEntries = new ArrayList<>();
    final IndependentTotals totals;
    long duplicates;
    long validOrders;
    long validViews;
    long records;

    private final RecordClassifier classifier;
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Long> newestByPartition = new java.util.HashMap<>();

    StreamAnalysis(RecordClassifier classifier, long windowMillis) {
        this.classifier = classifier;
        this.totals = new IndependentTotals(windowMillis);
    }

    /**
     * The next record of a partition, in the order written to it. Records of one {@code partition} name are judged
     * late against each other only.
     */
    void record(String partition, String topic, byte[] value) {
        records++;
        RecordClassifier.Verdict verdict = classifier.classify(topic, value);
        if (!verdict.valid()) {
            malformedByReason.merge(verdict.reason().name(), 1L, Long::sum);
            return;
        }
        String eventId = eventId(verdict.event());
        if (!seen.add(topic + "/" + eventId)) {
            duplicates++;
            return;
        }
        long time = eventTime(verdict.event());
        Long newest = newestByPartition.get(partition);
        if (newest != null && time < newest - LATE_MILLIS) {
            late(verdict.event(), time);
            return;
        }
        newestByPartition.put(partition, newest == null ? time : Math.max(newest, time));
        if (verdict.event() instanceof OrderEvent order) {
            totals.count(order);
            validOrders++;
        } else {
            totals.count((ProductView) verdict.event());
            validViews++;
        }
    }

    private void late(Object event, long time) {
        if (event instanceof OrderEvent order) {
            Set<String> products = new HashSet<>();
            for (LineItem line : order.getLineItems()) {
                if (products.add(line.getProductId())) {
                    lateEntries.add(new LateEventEntry(order.getEventId(), line.getProductId(), ActivityKind.ORDER, time));
                }
            }
        } else {
            ProductView view = (ProductView) event;
            lateEntries.add(new LateEventEntry(view.getEventId(), view.getProductId(), ActivityKind.VIEW, time));
        }
    }

    long late() {
        return lateEntries.stream().map(LateEventEntry::eventId).distinct().count();
    }

    static String eventId(Object event) {
        return event instanceof OrderEvent o ? o.getEventId() : ((ProductView) event).getEventId();
    }

    static long eventTime(Object event) {
        return event instanceof OrderEvent o ? o.getEventTime().toEpochMilli()
                : ((ProductView) event).getEventTime().toEpochMilli();
    }
}
