package io.trendstream.gateway.ingest;

import io.trendstream.functions.Rejection;
import io.trendstream.gateway.GatewayMetrics;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ingest of one kind of event: reads a body (an object, an array or NDJSON), completes each event (id and time),
 * judges it by the job's rules, encodes it in the wire format and hands the request's records to the group commit;
 * its answer (202) completes once they are committed. A request with any invalid event is refused whole (400) and nothing of
 * it is sent, so a client can correct and resend it as one.
 */
final class IngestEndpoint<T extends SpecificRecord> {

    /** At most this many invalid events are listed in a 400. */
    static final int MAX_LISTED_PROBLEMS = 100;

    private final EventKind<T> kind;
    private final String topic;
    private final WireEncoder<T> encoder;
    private final GroupCommitPublisher publisher;
    private final AssignedEventTimes assignedTimes;
    private final int maxBatchEvents;
    private final Duration ackTimeout;
    private final GatewayMetrics metrics;
    private final Clock clock;

    IngestEndpoint(EventKind<T> kind, String topic, WireEncoder<T> encoder, GroupCommitPublisher publisher,
                   AssignedEventTimes assignedTimes, int maxBatchEvents, Duration ackTimeout, GatewayMetrics metrics,
                   Clock clock) {
        this.kind = kind;
        this.topic = topic;
        this.encoder = encoder;
        this.publisher = publisher;
        this.assignedTimes = assignedTimes;
        this.maxBatchEvents = maxBatchEvents;
        this.ackTimeout = ackTimeout;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Reads, completes, judges and encodes the events of a request body and hands them to the group commit. A request
     * refused before anything is sent throws an {@link IngestException}; the answer completes with the 202 body once
     * the events are committed, or fails with an {@link IngestException} (503) when they are not.
     */
    CompletableFuture<Object> accept(byte[] json, boolean ndjson, String idempotencyKey) {
        EventJsonReader.Body<T> body = kind.reader.read(json, ndjson, maxBatchEvents);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(body.events().size());
        List<InvalidEvent> problems = new ArrayList<>();
        Instant now = clock.instant();
        T single = null;
        for (int i = 0; i < body.events().size(); i++) {
            EventJsonReader.Read<T> read = body.events().get(i);
            if (read.problem() != null) {
                problems.add(read.problem().at(i));
                continue;
            }
            T event = read.event();
            complete(event, i, body.batch(), idempotencyKey, now);
            Rejection rejection = kind.rules.validate(event, now.toEpochMilli());
            if (rejection != null) {
                problems.add(new InvalidEvent(i, RejectedField.of(rejection), rejection.reason().name(),
                        rejection.detail()));
            } else if (problems.isEmpty()) {
                records.add(new ProducerRecord<>(topic, null, null, keyBytes(event), encode(event)));
            }
            single = event;
        }
        if (!problems.isEmpty()) {
            metrics.events(topic, "rejected", body.events().size());
            throw IngestException.invalid(problems.subList(0, Math.min(problems.size(), MAX_LISTED_PROBLEMS)));
        }
        Object accepted = body.batch() ? Map.of("accepted", records.size()) : describe(single);
        int count = records.size();
        CompletableFuture<Object> answer = new CompletableFuture<>();
        publisher.publish(records).orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
            if (failure == null) {
                metrics.events(topic, "committed", count);
                answer.complete(accepted);
            } else {
                metrics.events(topic, "failed", count);
                answer.completeExceptionally(unwrap(failure));
            }
        });
        return answer;
    }

    private void complete(T event, int index, boolean batch, String idempotencyKey, Instant now) {
        String eventId = kind.eventId(event);
        Instant eventTime = kind.eventTime(event);
        if (eventId == null) {
            eventId = idempotencyKey == null ? UUID.randomUUID().toString()
                    : batch ? idempotencyKey + ":" + index : idempotencyKey;
            if (eventTime == null && idempotencyKey != null) {
                eventTime = assignedTimes.assign(eventId, now);
            }
        }
        kind.complete(event, eventId, eventTime == null ? now : eventTime);
    }

    private byte[] keyBytes(T event) {
        String key = kind.key(event);
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] encode(T event) {
        try {
            return encoder.encode(event);
        } catch (IOException | RuntimeException e) {
            throw IngestException.unavailable("schema_registry_unavailable", "The schema registry is unavailable, so the"
                    + " event's schema id is unknown (" + e.getMessage() + "): the request was not acknowledged; retry it");
        }
    }

    private Map<String, Object> describe(T event) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event_id", kind.eventId(event));
        answer.put("event_time", kind.eventTime(event).toString());
        return answer;
    }

    private static IngestException unwrap(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && !(t instanceof IngestException)) {
            t = t.getCause();
        }
        if (t instanceof IngestException ingest) {
            return ingest;
        }
        if (t instanceof TimeoutException) {
            return IngestException.unavailable("kafka_unavailable", "Kafka did not commit the request within "
                    + "gateway.ingest.ack-timeout; it may still be committed: retry with the same Idempotency-Key or event ids");
        }
        return IngestException.unavailable("kafka_unavailable", "Kafka is unavailable: " + t);
    }
}
