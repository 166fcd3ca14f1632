package io.trendstream.bench;

import io.trendstream.generator.EventGenerator;
import io.trendstream.generator.Manifest;
import io.trendstream.generator.WindowCount;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fixed, seeded input every variant reads: preloaded once into two topics by the generator, with the
 * generator's manifest as the exact expected output. No faults except a small duplicate share.
 */
final class Dataset {
    static final double DUPLICATE_SHARE = 0.01;
    static final long SEED = 42;

    final String ordersTopic;
    final String viewsTopic;
    final Manifest manifest;
    final long totalRecords;
    final long windowSizeMillis;
    final Duration outOfOrderness;

    private Dataset(String ordersTopic, String viewsTopic, Manifest manifest, long windowSizeMillis, Duration outOfOrderness) {
        this.ordersTopic = ordersTopic;
        this.viewsTopic = viewsTopic;
        this.manifest = manifest;
        this.totalRecords = manifest.counts().ordersTopicRecords() + manifest.counts().viewsTopicRecords();
        this.windowSizeMillis = windowSizeMillis;
        this.outOfOrderness = outOfOrderness;
    }

    /** Writes {@code events} event slots to two new topics named after {@code tag}. */
    static Dataset preload(BenchStack stack, BenchOptions options, long events, String tag) {
        String ordersTopic = "bench-" + tag + "-orders";
        String viewsTopic = "bench-" + tag + "-views";
        stack.kafka.createTopic(ordersTopic, options.partitions);
        stack.kafka.createTopic(viewsTopic, options.partitions);
        Manifest manifest = EventGenerator.builder()
                .bootstrapServers(stack.bootstrapServers())
                .registry(stack.registry())
                .ordersTopic(ordersTopic)
                .viewsTopic(viewsTopic)
                .productsTopic(null) // each pipeline variant reads a catalog topic of its own, empty here
                .products(options.products)
                .users(options.users)
                .seed(SEED)
                .rate(0)
                .eventsPerSecondOfEventTime(options.eventRate)
                .count(events)
                .windowSize(options.windowSize)
                .lateShare(0)
                .malformedShare(0)
                .duplicateShare(DUPLICATE_SHARE)
                .build()
                .run();
        return new Dataset(ordersTopic, viewsTopic, manifest, options.windowSize.toMillis(), options.outOfOrderness);
    }

    /** From the first to the last event time of the replay. */
    long eventTimeSpanMillis() {
        return lastEventTime() - ((Number) manifest.parameters().get("eventTimeStart")).longValue();
    }

    long lastEventTime() {
        return ((Number) manifest.parameters().get("lastEventTime")).longValue();
    }

    /**
     * The rows every variant must have written: windows whose end is behind the final watermark (newest event
     * time minus the out-of-orderness) by a safety margin, because the watermark is the minimum over partitions.
     */
    Map<String, WindowCount> closedWindows() {
        return closedWindows(Duration.ZERO);
    }

    /** As {@link #closedWindows()}, for a variant that emits a window only {@code delay} after its end (grace). */
    Map<String, WindowCount> closedWindows(Duration delay) {
        long closedBefore = lastEventTime() - outOfOrderness.toMillis() - CLOSE_MARGIN_MILLIS - delay.toMillis();
        Map<String, WindowCount> closed = new TreeMap<>();
        for (WindowCount row : manifest.windows()) {
            if (row.windowStart() + windowSizeMillis <= closedBefore) {
                closed.put(row.key(), row);
            }
        }
        return closed;
    }

    /** Partitions' newest event times differ by a few events' spacing in event time (milliseconds at the default rate). */
    private static final long CLOSE_MARGIN_MILLIS = 10_000;

    List<WindowCount> windows() {
        return manifest.windows();
    }
}
