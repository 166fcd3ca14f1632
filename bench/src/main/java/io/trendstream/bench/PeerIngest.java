package io.trendstream.bench;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.functions.EventRules;
import io.trendstream.functions.Rejection;
import io.trendstream.records.ProductActivity;
import io.trendstream.serialization.DecodingException;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The Kafka Streams peer's ingest step for one topic, as the Flink job's deserializer, dead-letter router,
 * deduplicator and activity mappers do it: decode (Confluent Avro), validate, drop repeats of an event id (state
 * store), and emit one activity per product keyed by product id with the event time as record timestamp. Invalid
 * records are emitted as dead letters.
 */
final class PeerIngest<T extends SpecificRecordBase> implements Processor<byte[], byte[], String, PeerIngest.Output> {
    static final String DEDUP_STORE = "dedup";

    /** Either an activity or a dead letter (the original bytes and the reason). */
    record Output(ProductActivity activity, byte[] deadLetter, String reason) {}

    private final Supplier<ConfluentAvroSerde<T>> serdes;
    private final EventRules<T> rules;
    private final AtomicLong recordsRead;
    private final PeerStreamTime streamTime;
    private ConfluentAvroSerde<T> serde;
    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, Long> seen;

    PeerIngest(Supplier<ConfluentAvroSerde<T>> serdes, EventRules<T> rules, AtomicLong recordsRead, PeerStreamTime streamTime) {
        this.serdes = serdes;
        this.rules = rules;
        this.recordsRead = recordsRead;
        this.streamTime = streamTime;
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.serde = serdes.get();
        this.seen = context.getStateStore(DEDUP_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        recordsRead.incrementAndGet();
        T event;
        try {
            event = serde.decode(record.value());
        } catch (DecodingException e) {
            deadLetter(record, e.reason().name());
            return;
        } catch (IOException e) {
            throw new IllegalStateException("Schema registry unavailable", e); // as the Flink job: fail, do not dead-letter
        }
        Rejection rejection = rules.validate(event, System.currentTimeMillis());
        if (rejection != null) {
            deadLetter(record, rejection.reason().name());
            return;
        }
        long eventTime = rules.eventTime(event);
        context.recordMetadata().ifPresent(m -> streamTime.observe(m.topic() + "-" + m.partition(), eventTime));
        String eventId = rules.eventId(event);
        if (seen.get(eventId) != null) {
            return;
        }
        seen.put(eventId, eventTime);
        if (event instanceof OrderEvent order) {
            totalsByProduct(order).forEach((productId, totals) -> emit(ProductActivity.order(
                    eventId, productId, order.getUserId(), eventTime, Math.toIntExact(totals[0]), totals[1])));
        } else if (event instanceof ProductView view) {
            emit(ProductActivity.view(eventId, view.getProductId(), view.getUserId(), eventTime));
        }
    }

    private void emit(ProductActivity activity) {
        context.forward(new Record<>(activity.productId(), new Output(activity, null, null), activity.eventTime()));
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        context.forward(new Record<>((String) null, new Output(null, record.value(), reason), record.timestamp()));
    }

    /** Units and cents per product of an order, as OrderToActivities computes them. */
    private static Map<String, long[]> totalsByProduct(OrderEvent order) {
        Map<String, long[]> byProduct = new LinkedHashMap<>();
        for (LineItem item : order.getLineItems()) {
            long[] totals = byProduct.computeIfAbsent(item.getProductId(), p -> new long[2]);
            totals[0] = Math.toIntExact(totals[0] + item.getQuantity());
            totals[1] = Math.addExact(totals[1],
                    Math.multiplyExact(item.getUnitPrice().movePointRight(2).longValueExact(), (long) item.getQuantity()));
        }
        return byProduct;
    }
}
