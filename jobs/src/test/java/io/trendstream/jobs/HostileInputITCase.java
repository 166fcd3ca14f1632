package io.trendstream.jobs;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.functions.EventLimits;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SizeBoundedDeadLetterSerializer;
import io.trendstream.testing.ExpectedResults;
import io.trendstream.testing.RawAvro;
import io.trendstream.testing.TopicReader;
import io.trendstream.testing.TopicWriter;
import io.trendstream.testing.WindowRow;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecution;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import static io.trendstream.testing.Events.line;
import static io.trendstream.testing.Events.order;
import static io.trendstream.testing.Events.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * No record a producer can put in a topic stops the job. The hostile records the job once restarted on forever
 * (a value near the topic's size limit, an unknown negative schema id, NUL characters and 100 KB ids, also in late
 * events, an event time of Long.MIN_VALUE, a decimal beyond the database column), and the rest of their class
 * (random bytes, tombstones, wrong magic bytes, truncated Avro, frames of another subject, extreme timestamps and
 * amounts), arrive among valid events, some of them exactly at the limits. The job runs through them without a
 * single failure; every hostile record is in the dead-letter topic once with its reason; the window rows and late
 * events are exactly those of the valid events.
 */
class HostileInputITCase extends PipelineTestBase {

    private static final long MINUTE = 60_000;
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Kafka's default {@code max.message.bytes}: the largest record batch a topic accepts. */
    private static final int TOPIC_MAX_MESSAGE_BYTES = 1_048_588;
    /** The largest value without key in a batch of its own: 72 bytes of batch and record overhead. */
    private static final int LARGEST_VALUE = TOPIC_MAX_MESSAGE_BYTES - 72;
    /** An id of the longest length in 3-byte UTF-8 characters: the most bytes an accepted id can take. */
    private static final String WIDEST_ID = "€".repeat(EventLimits.MAX_TEXT_LENGTH);

    /** Records written with the producer's limit raised, so that only the broker's limit applies. */
    private static final Map<String, Object> UNLIMITED_PRODUCER = Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);

    /** A hostile record and the reason its dead letter must give. */
    private record Pill(ProducerRecord<byte[], byte[]> record, DeadLetterReason reason) {}

    @Test
    void theJobRunsThroughEveryHostileRecordAndCountsExactlyTheValidEvents(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server());
                TopicWriter writer = new TopicWriter(pipeline.bootstrapServers(), UNLIMITED_PRODUCER)) {
            long base = (Instant.now().toEpochMilli() / MINUTE - 180) * MINUTE;
            ExpectedResults expected = new ExpectedResults(MINUTE);
            List<ProducerRecord<byte[], byte[]>> valid = new ArrayList<>();
            int[] next = {0}; // alternate partitions; each partition stays in event-time order

            for (int w = 0; w < 3; w++) {
                long t = base + w * MINUTE;
                for (int i = 0; i < 2; i++) {
                    OrderEvent o = order("o-" + w + "-" + i, "u" + i, t + 1_000 + i, line("p-1", 1 + i, "10.00"));
                    valid.add(pipeline.order(o, next[0]++ % 2));
                    expected.count(o);
                }
                for (int i = 0; i < 3; i++) {
                    ProductView v = view("v-" + w + "-" + i, "u" + i, "p-1", t + 2_000 + i);
                    valid.add(pipeline.view(v, next[0]++ % 2));
                    expected.count(v);
                }
                // At the limits: the widest ids, and in window 1 two orders of the largest revenue per product.
                String id = "€".repeat(EventLimits.MAX_TEXT_LENGTH - 5) + "-" + w + "-x"; // 128 chars with "o"/"v"
                OrderEvent wide = order("o" + id, WIDEST_ID, t + 3_000, line(WIDEST_ID, 1, "0.01"));
                ProductView wideView = view("v" + id, WIDEST_ID, WIDEST_ID, t + 3_500);
                wide.setOrderId(WIDEST_ID);
                wideView.setSessionId(WIDEST_ID);
                valid.add(pipeline.order(wide, next[0]++ % 2));
                valid.add(pipeline.view(wideView, next[0]++ % 2));
                expected.count(wide);
                expected.count(wideView);
                if (w == 1) {
                    for (int i = 0; i < 2; i++) {
                        OrderEvent rich = order("o-rich-" + i, "u9", t + 4_000 + i,
                                line("p-rich", 1, EventLimits.MAX_REVENUE_PER_PRODUCT.toPlainString()));
                        valid.add(pipeline.order(rich, next[0]++ % 2));
                        expected.count(rich);
                    }
                }
            }

            List<Pill> pills = firstPills(pipeline, base);
            List<RecordMetadata> landed = writer.commit(interleave(valid, pills));
            Map<String, Pill> byCoordinates = locate(pills, landed, valid.size());

            // Event time moves past window 2 on every partition of both topics, so windows 0-2 fire.
            long tail = base + 3 * MINUTE + 15_000;
            List<ProducerRecord<byte[], byte[]>> tailRecords = new ArrayList<>();
            for (int p = 0; p < PipelineFixture.PARTITIONS; p++) {
                tailRecords.add(pipeline.order(order("o-tail-" + p, "u1", tail, line("p-tail", 1, "1.00")), p));
                tailRecords.add(pipeline.view(view("v-tail-" + p, "u1", "p-tail", tail), p));
            }
            writer.commit(tailRecords);

            JobClient job = pipeline.start(pipeline.config(), 2);
            JobID jobId = job.getJobID();

            String window2 = WindowRow.key("p-1", base + 2 * MINUTE);
            await().atMost(PATIENCE).failFast(jobFailed(miniCluster, jobId))
                    .until(() -> pipeline.database.windowRows().containsKey(window2));

            // Late: the widest ids and an event at the epoch go to late_events; hostile late events are dead letters.
            ProductView tooLateWide = view(WIDEST_ID, WIDEST_ID, WIDEST_ID, base + 5_000);
            tooLateWide.setSessionId(WIDEST_ID);
            OrderEvent atTheEpoch = order("o-epoch", "u1", 0, line("p-1", 1, "1.00"));
            List<Pill> latePills = latePills(pipeline, base);
            List<ProducerRecord<byte[], byte[]>> late = List.of(pipeline.view(tooLateWide, 0), pipeline.order(atTheEpoch, 1));
            List<RecordMetadata> lateLanded = writer.commit(interleave(late, latePills));
            byCoordinates.putAll(locate(latePills, lateLanded, late.size()));

            Map<String, WindowRow> expectedRows = expected.rowsBefore(base + 3 * MINUTE);
            List<String> expectedLate = List.of(
                    "o-epoch|p-1|ORDER|0|0",
                    WIDEST_ID + "|" + WIDEST_ID + "|VIEW|" + (base + 5_000) + "|" + base);
            await().atMost(PATIENCE).failFast(jobFailed(miniCluster, jobId))
                    .untilAsserted(() -> SoftAssertions.assertSoftly(softly -> {
                        softly.assertThat(pipeline.database.windowRows()).isEqualTo(expectedRows);
                        softly.assertThat(pipeline.database.lateEvents()).containsExactlyInAnyOrderElementsOf(expectedLate);
                    }));
            assertThat(expectedRows.get(WindowRow.key("p-rich", base + MINUTE)).revenue()).hasToString("19999999999.98");
            assertThat(expectedRows).containsKey(WindowRow.key(WIDEST_ID, base));

            assertEveryPillIsADeadLetterOnce(pipeline, byCoordinates, miniCluster, jobId);

            assertThat(failures(miniCluster, jobId)).as("no failure and no restart, ever").isEmpty();
            assertThat(miniCluster.getJobStatus(jobId).get()).isEqualTo(JobStatus.RUNNING);
        }
    }

    /** The topic's limit is what the test assumes: the largest value fits, one byte more does not. */
    @Test
    void theLargestValueATopicAcceptsIsWhatTheTestSends() throws Exception {
        String topic = "probe-" + System.nanoTime();
        KAFKA.createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, new byte[LARGEST_VALUE])).get();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, new byte[LARGEST_VALUE + 1])).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
        }
    }

    /** The largest dead letter must fit the dead-letter topic, or the job would restart on it forever. */
    @Test
    void aDeadLetterTopicTooSmallForTheLargestDeadLetterFailsBeforeSubmission() throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server())) {
            String small = pipeline.name + "-small-dead-letters";
            KAFKA.createTopic(small, 1, Map.of("max.message.bytes", "100000"));

            assertThatThrownBy(() -> DependencyPreflight.checkKafka(pipeline.config("--kafka.topic.dead-letters", small)))
                    .isInstanceOf(IllegalConfigurationException.class)
                    .hasMessageContaining(small)
                    .hasMessageContaining("kafka.topic.dead-letters")
                    .hasMessageContaining("at most 100000 bytes (max.message.bytes)");
            DependencyPreflight.checkKafka(pipeline.config()); // the broker's default fits
        }
    }

    /** The reported pills and their class, written before the job starts. */
    private static List<Pill> firstPills(PipelineFixture pipeline, long base) throws IOException {
        String orders = pipeline.ordersTopic;
        String views = pipeline.viewsTopic;
        long t = base + MINUTE + 30_000;
        byte[] validOrder = pipeline.serialize(order("o-template", "u1", t, line("p-1", 1, "10.00")));
        int ordersSchemaId = ByteBuffer.wrap(validOrder, 1, 4).getInt();
        List<Pill> pills = new ArrayList<>();

        // A value near the topic's limit, and the largest it accepts: their dead letters are cut to fit.
        pills.add(new Pill(TopicWriter.record(orders, 0, "big".getBytes(), garbage(1_048_500, 'g')), DeadLetterReason.NOT_WIRE_FORMAT));
        pills.add(new Pill(TopicWriter.record(orders, 1, null, garbage(LARGEST_VALUE, 'G')), DeadLetterReason.NOT_WIRE_FORMAT));
        pills.add(new Pill(TopicWriter.record(views, 0, garbage(100_000, 'k'), "v".getBytes()), DeadLetterReason.NOT_WIRE_FORMAT));
        // Schema id -1 (and another unknown id) in front of a valid body.
        byte[] minusOne = validOrder.clone();
        ByteBuffer.wrap(minusOne).putInt(1, -1);
        pills.add(new Pill(TopicWriter.record(orders, 1, null, minusOne), DeadLetterReason.UNKNOWN_SCHEMA));
        byte[] unknownId = garbage(1_000, (char) 0);
        ByteBuffer.wrap(unknownId).putInt(1, 0x7F123456);
        pills.add(new Pill(TopicWriter.record(views, 1, null, unknownId), DeadLetterReason.UNKNOWN_SCHEMA));
        // NUL and 100 KB ids.
        pills.add(new Pill(pipeline.order(order("o-nul", "u1", t, line("p-\u0000", 1, "1.00")), 0), DeadLetterReason.INVALID_TEXT));
        pills.add(new Pill(pipeline.view(view("v-nul", "u\u0000", "p-1", t), 1), DeadLetterReason.INVALID_TEXT));
        pills.add(new Pill(pipeline.order(order("o-huge", "u1", t, line("p".repeat(100_000), 1, "1.00")), 1),
                DeadLetterReason.TEXT_TOO_LONG));
        pills.add(new Pill(pipeline.view(view("v-huge", "u1", "p".repeat(100_000), t), 0), DeadLetterReason.TEXT_TOO_LONG));
        // Event times no window can hold.
        pills.add(new Pill(pipeline.order(order("o-min", "u1", Long.MIN_VALUE, line("p-1", 1, "1.00")), 0),
                DeadLetterReason.EVENT_TIME_OUT_OF_RANGE));
        pills.add(new Pill(pipeline.view(view("v-max", "u1", "p-1", Long.MAX_VALUE), 1), DeadLetterReason.EVENT_TIME_OUT_OF_RANGE));
        pills.add(new Pill(pipeline.view(view("v-1969", "u1", "p-1", -1), 0), DeadLetterReason.EVENT_TIME_OUT_OF_RANGE));
        pills.add(new Pill(pipeline.order(order("o-future", "u1", Instant.now().plus(Duration.ofDays(1)).toEpochMilli(),
                line("p-1", 1, "1.00")), 1), DeadLetterReason.EVENT_TIME_IN_FUTURE));
        // Amounts no column can hold, written as a producer that ignores the decimal's precision writes them.
        pills.add(new Pill(TopicWriter.record(orders, 0, null, frame(ordersSchemaId, RawAvro.orderWithRawUnitPrice(
                order("o-overflow", "u1", t, line("p-1", 1, "1.00")), new BigInteger("9999999999999999999")))),
                DeadLetterReason.AMOUNT_OUT_OF_RANGE));
        pills.add(new Pill(TopicWriter.record(orders, 1, null, frame(ordersSchemaId, RawAvro.orderWithRawUnitPrice(
                order("o-13-digits", "u1", t, line("p-1", 1, "1.00")), new BigInteger("1000000000000")))),
                DeadLetterReason.AMOUNT_OUT_OF_RANGE));
        pills.add(new Pill(pipeline.order(order("o-twice-max", "u1", t, line("p-1", 2, "9999999999.99")), 0),
                DeadLetterReason.AMOUNT_OUT_OF_RANGE));
        pills.add(new Pill(pipeline.order(order("o-lines", "u1", t, Collections.nCopies(EventLimits.MAX_LINE_ITEMS + 1,
                line("p-1", 1, "1.00")).toArray(LineItem[]::new)), 1), DeadLetterReason.TOO_MANY_LINE_ITEMS));
        // Random bytes, a wrong magic byte, truncated Avro, tombstones and empty values.
        pills.add(new Pill(TopicWriter.record(orders, 0, null, garbage(4_096, (char) 0x42)), DeadLetterReason.NOT_WIRE_FORMAT));
        pills.add(new Pill(TopicWriter.record(views, 1, null, new byte[] {1, 0, 0, 0, 1, 2, 4}), DeadLetterReason.NOT_WIRE_FORMAT));
        pills.add(new Pill(TopicWriter.record(orders, 1, null, new byte[] {0, 0, 0}), DeadLetterReason.NOT_WIRE_FORMAT));
        pills.add(new Pill(TopicWriter.record(orders, 0, null, Arrays.copyOf(validOrder, validOrder.length / 2)),
                DeadLetterReason.UNDECODABLE));
        pills.add(new Pill(TopicWriter.record(views, 0, "tombstone".getBytes(), null), DeadLetterReason.EMPTY_RECORD));
        pills.add(new Pill(TopicWriter.record(orders, 1, null, new byte[0]), DeadLetterReason.EMPTY_RECORD));
        // Frames of the other topic's subject.
        byte[] viewFrame = pipeline.view(view("v-wrong-topic", "u1", "p-1", t), 0).value();
        pills.add(new Pill(TopicWriter.record(orders, 0, null, viewFrame), DeadLetterReason.INCOMPATIBLE_SCHEMA));
        pills.add(new Pill(TopicWriter.record(views, 1, null, validOrder), DeadLetterReason.INCOMPATIBLE_SCHEMA));
        return pills;
    }

    /** Hostile late events: the same pills in events for windows that closed long ago. */
    private static List<Pill> latePills(PipelineFixture pipeline, long base) {
        return List.of(
                new Pill(pipeline.order(order("o-late-\u0000", "u1", base + 1_000, line("p-1", 1, "1.00")), 0),
                        DeadLetterReason.INVALID_TEXT),
                new Pill(pipeline.view(view("v".repeat(100_000), "u1", "p-1", base + 1_000), 1), DeadLetterReason.TEXT_TOO_LONG),
                new Pill(pipeline.order(order("o-late-min", "u1", Long.MIN_VALUE, line("p-1", 1, "1.00")), 1),
                        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE));
    }

    /** The valid records with the pills spread among them, valid ones keeping their order. */
    private static List<ProducerRecord<byte[], byte[]>> interleave(List<ProducerRecord<byte[], byte[]>> valid, List<Pill> pills) {
        List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(valid);
        for (int i = 0; i < pills.size(); i++) {
            all.add(Math.min(all.size(), i * 2 + 1), pills.get(i).record());
        }
        return all;
    }

    /** "topic/partition/offset" of each pill, from where the records of {@link #interleave} landed. */
    private static Map<String, Pill> locate(List<Pill> pills, List<RecordMetadata> landed, int validCount) {
        Map<String, Pill> located = new LinkedHashMap<>();
        List<ProducerRecord<byte[], byte[]>> placed = new ArrayList<>(Collections.nCopies(validCount, null));
        for (int i = 0; i < pills.size(); i++) {
            placed.add(Math.min(placed.size(), i * 2 + 1), pills.get(i).record());
        }
        for (int i = 0; i < placed.size(); i++) {
            ProducerRecord<byte[], byte[]> record = placed.get(i);
            if (record != null) {
                RecordMetadata where = landed.get(i);
                Pill pill = pills.stream().filter(p -> p.record() == record).findFirst().orElseThrow();
                located.put(where.topic() + "/" + where.partition() + "/" + where.offset(), pill);
            }
        }
        assertThat(located).hasSameSizeAs(pills);
        return located;
    }

    private static void assertEveryPillIsADeadLetterOnce(PipelineFixture pipeline, Map<String, Pill> pills,
            MiniCluster miniCluster, JobID jobId) throws Exception {
        DeserializationSchema<DeadLetter> decoder = ConfluentAvro.forSpecificDeserialization(DeadLetter.class, pipeline.registry);
        try (TopicReader deadLetters = new TopicReader(pipeline.bootstrapServers(), pipeline.deadLettersTopic)) {
            await().atMost(PATIENCE).failFast(jobFailed(miniCluster, jobId))
                    .untilAsserted(() -> assertThat(deadLetters.poll()).hasSizeGreaterThanOrEqualTo(pills.size()));
            List<ConsumerRecord<byte[], byte[]>> written = deadLetters.poll();
            assertThat(written).as("one dead letter per hostile record, nothing else").hasSameSizeAs(pills.keySet());
            Map<String, String> reasons = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> record : written) {
                assertThat(SizeBoundedDeadLetterSerializer.recordSize(record.value()))
                        .isLessThanOrEqualTo(KafkaConnectors.DEAD_LETTER_MAX_RECORD_BYTES);
                DeadLetter letter = decoder.deserialize(record.value());
                String where = letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset();
                assertThat(reasons.put(where, letter.getReason())).as("once: " + where).isNull();
                Pill pill = pills.get(where);
                assertThat(pill).as("a hostile record at " + where).isNotNull();
                assertDeadLetterKeeps(letter, pill.record());
            }
            Map<String, String> expectedReasons = new TreeMap<>();
            pills.forEach((where, pill) -> expectedReasons.put(where, pill.reason().name()));
            assertThat(reasons).isEqualTo(expectedReasons);
        }
    }

    /** The dead letter holds the record whole, or, when that cannot fit, its beginning and its sizes. */
    private static void assertDeadLetterKeeps(DeadLetter letter, ProducerRecord<byte[], byte[]> sent) {
        byte[] value = sent.value();
        assertThat(letter.getDetail()).isNotBlank();
        assertThat(letter.getOriginalPayloadSize()).isEqualTo(value == null ? null : value.length);
        assertThat(letter.getOriginalKeySize()).isEqualTo(sent.key() == null ? null : sent.key().length);
        assertThat(bytes(letter.getKey())).isEqualTo(sent.key());
        if (value != null && value.length > KafkaConnectors.DEAD_LETTER_MAX_RECORD_BYTES - 1_000) {
            assertThat(letter.getTruncated()).isTrue();
            byte[] kept = bytes(letter.getPayload());
            assertThat(kept.length).isGreaterThan(KafkaConnectors.DEAD_LETTER_MAX_RECORD_BYTES - 1_000);
            assertThat(kept).isEqualTo(Arrays.copyOf(value, kept.length));
        } else {
            assertThat(letter.getTruncated()).isFalse();
            assertThat(bytes(letter.getPayload())).isEqualTo(value);
        }
    }

    /** Stops waiting as soon as any task failed, with the failures as the reason. */
    private static ThrowingRunnable jobFailed(MiniCluster miniCluster, JobID jobId) {
        return () -> assertThat(failures(miniCluster, jobId)).as("failures of the job").isEmpty();
    }

    /**
     * Every failure the job has had. A failed task is restarted (region failover) without the job's status or
     * failure info changing, so each task's attempt number tells: anything but the first attempt is a restart.
     */
    private static List<String> failures(MiniCluster miniCluster, JobID jobId) throws Exception {
        AccessExecutionGraph graph = miniCluster.getExecutionGraph(jobId).get();
        List<String> failures = new ArrayList<>();
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            AccessExecution attempt = vertex.getCurrentExecutionAttempt();
            if (attempt.getAttemptNumber() > 0 || attempt.getFailureInfo().isPresent()) {
                failures.add(vertex.getTaskNameWithSubtaskIndex() + " is at attempt " + attempt.getAttemptNumber()
                        + attempt.getFailureInfo().map(f -> ", failed: " + f.getExceptionAsString()).orElse(""));
            }
        }
        ErrorInfo jobFailure = graph.getFailureInfo();
        if (jobFailure != null) {
            failures.add("the job failed: " + jobFailure.getExceptionAsString());
        }
        return failures;
    }

    /** Random bytes (seeded by the size) that begin with {@code first}. */
    private static byte[] garbage(int size, char first) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        bytes[0] = (byte) first;
        return bytes;
    }

    private static byte[] frame(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
