package io.trendstream.bench;

import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.functions.EventRules;
import io.trendstream.functions.OrderToActivities;
import io.trendstream.functions.Rejection;
import io.trendstream.functions.ViewToActivity;
import io.trendstream.records.ActivitySink;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.ProductActivity;
import io.trendstream.serialization.DecodingException;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.PunctuationType;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The Kafka Streams peer's ingest step for one topic, as the Flink job's deserializer, dead-letter router, activity
 * mappers and bundler do it: decode (Confluent Avro), validate, and collect one activity per product into a bundle
 * per (product, window) ({@link PeerBundle}), sent keyed by product with its newest event time as record timestamp
 * every {@link #FLUSH_EVERY} of wall-clock time or at {@link #MAX_BUFFERED} activities: far fewer repartition
 * records than one per activity. Repeats of an event id are counted once at the window, as in the pipeline. Invalid
 * records are emitted as dead letters.
 *
 * <p>The buffer is in memory: Kafka Streams gives a processor no hook before it commits, so a crash or a rebalance
 * between a commit and the next flush would lose the buffered activities (the verification against the manifest
 * would show it). Exactly-once pre-aggregation would need a logged store (a changelog record per update); the
 * benchmark has neither crashes nor rebalances after the start, and this is the peer's fast path.
 */
final class PeerIngest<T extends SpecificRecordBase> implements Processor<byte[], byte[], String, PeerIngest.Output> {
    static final Duration FLUSH_EVERY = Duration.ofMillis(100);
    static final int MAX_BUFFERED = 10_000;

    /** Either a bundle or a dead letter (the original bytes and the reason). */
    record Output(PeerBundle bundle, byte[] deadLetter, String reason) {}

    private record BundleKey(String productId, long windowStart) {}

    /** The Flink job's own activity rules: one activity per product of an order, one per view. */
    private static final OrderToActivities ORDER_ACTIVITY = new OrderToActivities();
    private static final ViewToActivity VIEW_ACTIVITY = new ViewToActivity();

    private final Supplier<ConfluentAvroSerde<T>> serdes;
    private final EventRules<T> rules;
    private final AtomicLong recordsRead;
    /** Activities put into bundles (duplicates included): once all input is read, what the window stage must see. */
    private final AtomicLong bundled;
    private final PeerStreamTime streamTime;
    private ConfluentAvroSerde<T> serde;
    private final long windowMillis;
    private final Map<BundleKey, PeerBundle> buffer = new HashMap<>();
    private int buffered;
    private ProcessorContext<String, Output> context;
    private final ActivitySink activities = ProductActivity.into(this::emit);

    PeerIngest(Supplier<ConfluentAvroSerde<T>> serdes, EventRules<T> rules, AtomicLong recordsRead, AtomicLong bundled,
               PeerStreamTime streamTime, Duration windowSize) {
        this.bundled = bundled;
        this.windowMillis = windowSize.toMillis();
        this.serdes = serdes;
        this.rules = rules;
        this.recordsRead = recordsRead;
        this.streamTime = streamTime;
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.serde = serdes.get();
        context.schedule(FLUSH_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }


    @Override
    public void process(Record<byte[], byte[]> record) {
        recordsRead.incrementAndGet();
        T event;
        try {
            event = serde.decode(record.value());
        } catch (IOException | RuntimeException e) {
            Optional<DeadLetterReason> reason = DecodingException.deadLetterReasonOf(e);
            if (reason.isEmpty()) {
                throw new IllegalStateException("Schema registry unavailable", e); // as the Flink job: fail, do not dead-letter
            }
            deadLetter(record, reason.get().name());
            return;
        }
        Rejection rejection = rules.validate(event, System.currentTimeMillis());
        if (rejection != null) {
            deadLetter(record, rejection.reason().name());
            return;
        }
        long eventTime = rules.eventTime(event);
        context.recordMetadata().ifPresent(m -> streamTime.observe(m.topic() + "-" + m.partition(), eventTime));
        if (event instanceof OrderEvent order) {
            ORDER_ACTIVITY.extract(order, activities);
        } else if (event instanceof ProductView view) {
            VIEW_ACTIVITY.extract(view, activities);
        }
    }

    private void emit(ProductActivity activity) {
        long windowStart = PeerBundle.windowStart(activity.eventTime(), windowMillis);
        buffer.computeIfAbsent(new BundleKey(activity.productId(), windowStart), k -> new PeerBundle(k.productId(), k.windowStart()))
                .add(activity);
        bundled.incrementAndGet();
        if (++buffered >= MAX_BUFFERED) {
            flush();
        }
    }

    private void flush() {
        for (PeerBundle bundle : buffer.values()) {
            context.forward(new Record<>(bundle.productId, new Output(bundle, null, null), bundle.maxEventTime));
        }
        buffer.clear();
        buffered = 0;
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        context.forward(new Record<>((String) null, new Output(null, record.value(), reason), record.timestamp()));
    }
}
