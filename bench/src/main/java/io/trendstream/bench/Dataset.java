package io.trendstream.bench;

import io.trendstream.generator.EventGenerator;
import io.trendstream.generator.Manifest;
import io.trendstream.generator.Progress;
import io.trendstream.generator.Spike;
import io.trendstream.generator.WindowCount;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seeded input a variant reads, with the generator's manifest as the exact expected output. No faults except a
 * small duplicate share. Either preloaded once into two topics and replayed by every variant (the backlog: maximum
 * throughput), or paced: written in real time while one variant runs, event time = wall-clock time at sending, so
 * that a window's end is a moment on the wall clock and the latency to its row is what a user waits.
 */
final class Dataset {
    static final double DUPLICATE_SHARE = 0.01;
    static final long SEED = 42;
    /** The skewed input: one product (p0) gets this share of all events. */
    static final double SKEW_SHARE = 0.9;
    /**
     * Paced input is committed by the generator at least this often (read_committed consumers see it then, so the
     * sources' newest event time, and with it the watermark, trail the wall clock by up to this much). Shorter made
     * the generator fall behind its pace on a loaded machine: each commit's markers make the next sends retry
     * (CONCURRENT_TRANSACTIONS).
     */
    static final Duration PACED_COMMIT_INTERVAL = Duration.ofMillis(500);

    final String ordersTopic;
    final String viewsTopic;
    final long windowSizeMillis;
    final Duration outOfOrderness;
    /** Events per second of wall-clock time for paced input; 0 for a preloaded backlog. */
    final long pacedRate;
    final boolean skewed;
    /** Builds the generator for a start time (null: the generator's default, a backlog ending now). */
    private java.util.function.Function<Instant, EventGenerator> generatorSpec;
    private long plannedSpanMillis;
    private volatile long pacedStartMillis = -1;
    private final AtomicLong recordsSent = new AtomicLong();
    private volatile Manifest manifest;
    private volatile long totalRecords = -1;

    private Dataset(String ordersTopic, String viewsTopic, long windowSizeMillis, Duration outOfOrderness, long pacedRate,
                    boolean skewed) {
        this.ordersTopic = ordersTopic;
        this.viewsTopic = viewsTopic;
        this.windowSizeMillis = windowSizeMillis;
        this.outOfOrderness = outOfOrderness;
        this.pacedRate = pacedRate;
        this.skewed = skewed;
    }

    /** Writes {@code events} event slots (records, about, for skewed input) to two new topics named after {@code tag}. */
    static Dataset preload(BenchStack stack, BenchOptions options, long events, String tag, boolean skewed) {
        Dataset dataset = create(stack, options, events, tag, skewed, 0);
        dataset.setManifest(dataset.generatorSpec.apply(null).run());
        return dataset;
    }

    /** Deletes the dataset's topics once no run reads them any more: the largest backlogs take gigabytes of disk. */
    void deleteTopics(BenchStack stack) {
        stack.kafka.deleteTopics(List.of(ordersTopic, viewsTopic));
    }

    /**
     * Two new topics that {@link #startPaced()} fills at {@code rate} events per second of wall-clock time for
     * {@code duration}, event times = the wall-clock time of sending.
     */
    static Dataset paced(BenchStack stack, BenchOptions options, long rate, Duration duration, String tag, boolean skewed) {
        return create(stack, options, rate * duration.toSeconds(), tag, skewed, rate);
    }

    private static Dataset create(BenchStack stack, BenchOptions options, long events, String tag, boolean skewed, long rate) {
        String ordersTopic = "bench-" + tag + "-orders";
        String viewsTopic = "bench-" + tag + "-views";
        stack.kafka.createTopic(ordersTopic, options.partitions);
        stack.kafka.createTopic(viewsTopic, options.partitions);
        // Skewed: the spikes multiply the slots' events about tenfold, so fewer slots make the same number of events.
        double slotShare = skewed ? 1 - SKEW_SHARE : 1;
        long slots = Math.max(1, Math.round(events * slotShare));
        long slotRate = Math.max(1, Math.round((rate > 0 ? rate : options.eventRate) * slotShare));
        Dataset dataset = new Dataset(ordersTopic, viewsTopic, options.windowSize.toMillis(), options.outOfOrderness, rate, skewed);
        dataset.generatorSpec = start -> {
            EventGenerator.Builder builder = EventGenerator.builder()
                    .bootstrapServers(stack.bootstrapServers())
                    .registry(stack.registry())
                    .ordersTopic(ordersTopic)
                    .viewsTopic(viewsTopic)
                    .productsTopic(null) // each pipeline variant reads a catalog topic of its own, empty here
                    .products(options.products)
                    .users(options.users)
                    .seed(SEED)
                    .rate(rate > 0 ? slotRate : 0)
                    .eventsPerSecondOfEventTime(slotRate)
                    .count(slots)
                    .windowSize(options.windowSize)
                    .lateShare(0)
                    .malformedShare(0)
                    .duplicateShare(DUPLICATE_SHARE)
                    .progress(new Progress.Listener() {
                        @Override
                        public void update(Progress progress) {
                            dataset.recordsSent.set(progress.eventsSent());
                        }

                        @Override
                        public void finished(Progress progress) {
                            dataset.recordsSent.set(progress.eventsSent());
                        }
                    });
            if (start != null) {
                builder.startTime(start).commitInterval(PACED_COMMIT_INTERVAL);
            }
            if (skewed) {
                builder.spikes(skew(builder.build().lastWindowIndex(), options.products));
            }
            return builder.build();
        };
        dataset.plannedSpanMillis = slots * 1000 / slotRate;
        return dataset;
    }

    /**
     * Product p0 spiked in every window by the factor that gives it {@link #SKEW_SHARE} of the events: a product's
     * usual share is 1/products, so factor f gives f / (products - 1 + f).
     */
    private static List<Spike> skew(int lastWindowIndex, int products) {
        double factor = SKEW_SHARE * (products - 1) / (1 - SKEW_SHARE);
        List<Spike> spikes = new ArrayList<>();
        for (int window = 0; window <= lastWindowIndex; window++) {
            spikes.add(new Spike("p0", window, Math.max(1.0, factor)));
        }
        return spikes;
    }

    /** Starts writing paced input on its own thread; completes with the manifest once everything is committed. */
    CompletableFuture<Manifest> startPaced() {
        if (pacedRate <= 0) {
            throw new IllegalStateException("not a paced dataset");
        }
        // Event time starts now: the generator paces slot i to start + i / rate on the wall clock.
        Instant start = Instant.now();
        pacedStartMillis = start.toEpochMilli();
        EventGenerator generator = generatorSpec.apply(start);
        return CompletableFuture.supplyAsync(() -> {
            Manifest m = generator.run();
            setManifest(m);
            return m;
        }, runnable -> {
            Thread thread = new Thread(runnable, "bench-paced-generator");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private void setManifest(Manifest m) {
        manifest = m;
        totalRecords = m.counts().ordersTopicRecords() + m.counts().viewsTopicRecords();
    }

    /**
     * Paced input: how far behind its pace the generator finished (its last slot was due at start + span), in ms;
     * event times are the slots' times, so a generator that falls behind writes events already older than the wall
     * clock, and latencies from the window's end include that.
     */
    long pacedLagMillis(long finishedAtMillis) {
        return pacedStartMillis < 0 ? 0 : Math.max(0, finishedAtMillis - (pacedStartMillis + plannedSpanMillis));
    }

    /** Records written so far (committed or not). */
    long recordsSent() {
        return recordsSent.get();
    }

    /** True once the manifest is known (preloaded, or paced input finished). */
    boolean complete() {
        return manifest != null;
    }

    Manifest manifest() {
        if (manifest == null) {
            throw new IllegalStateException("the input is still being written");
        }
        return manifest;
    }

    /** Records in both topics; -1 while paced input is still being written. */
    long totalRecords() {
        return totalRecords;
    }

    /** From the first to the last event time of the replay. */
    long eventTimeSpanMillis() {
        return lastEventTime() - ((Number) manifest().parameters().get("eventTimeStart")).longValue();
    }

    long lastEventTime() {
        return ((Number) manifest().parameters().get("lastEventTime")).longValue();
    }

    /** The span of event time the generator will write (known before it runs). */
    long plannedSpanMillis() {
        return plannedSpanMillis;
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
        for (WindowCount row : manifest().windows()) {
            if (row.windowStart() + windowSizeMillis <= closedBefore) {
                closed.put(row.key(), row);
            }
        }
        return closed;
    }

    /** Partitions' newest event times differ by a few events' spacing in event time (milliseconds at the default rate). */
    private static final long CLOSE_MARGIN_MILLIS = 10_000;

    List<WindowCount> windows() {
        return manifest().windows();
    }
}
