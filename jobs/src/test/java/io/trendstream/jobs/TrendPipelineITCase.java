package io.trendstream.jobs;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.events.TrendAlert;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.testing.ExpectedResults;
import io.trendstream.testing.TopicReader;
import io.trendstream.testing.TopicWriter;
import io.trendstream.testing.WindowRow;

import org.apache.flink.api.common.serialization.DeserializationSchema;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.trendstream.testing.Events.line;
import static io.trendstream.testing.Events.order;
import static io.trendstream.testing.Events.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole job on a MiniCluster against a real Kafka broker, schema registry and PostgreSQL: a known
 * dataset with duplicates, an aborted transaction, malformed records, late events and spikes gives
 * exactly the expected rows, alerts and dead letters.
 */
class TrendPipelineITCase extends PipelineTestBase {

    private static final long MINUTE = 60_000;
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void producesExactWindowsAlertsLateEventsAndDeadLetters() throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server());
                TopicWriter writer = new TopicWriter(pipeline.bootstrapServers())) {
            // Windows of one minute, three hours ago, so that nothing is "in the future".
            long base = (Instant.now().toEpochMilli() / MINUTE - 180) * MINUTE;
            ExpectedResults expected = new ExpectedResults(MINUTE);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            int[] next = {0}; // alternate partitions; each partition stays in event-time order

            for (int w = 0; w <= 5; w++) {
                long t = base + w * MINUTE;
                // Steady sellers: the same every window, so they never alert.
                for (int i = 0; i < 2; i++) {
                    OrderEvent o = order("o-s1-" + w + "-" + i, "u" + i, t + 1_000 + i, line("p-steady-1", 1, "10.00"));
                    records.add(pipeline.order(o, next[0]++ % 2));
                    expected.count(o);
                }
                // One order for three products, two lines of the same product: it counts once per product.
                OrderEvent multi = order("o-multi-" + w, "u7", t + 5_000,
                        line("p-steady-2", 2, "5.50"), line("p-views", 1, "3.00"), line("p-steady-2", 1, "5.50"));
                records.add(pipeline.order(multi, next[0]++ % 2));
                expected.count(multi);
                // Revenue spike in window 4: 150.00 against a baseline of 50.00 (HIGH).
                OrderEvent spike = order("o-spike-" + w, "u3", t + 6_000, line("p-spike", w == 4 ? 3 : 1, "50.00"));
                records.add(pipeline.order(spike, next[0]++ % 2));
                expected.count(spike);
                if (w < 2) {
                    OrderEvent noViews = order("o-nv-" + w, "u9", t + 7_000, line("p-noviews", 1, "1.99"));
                    records.add(pipeline.order(noViews, next[0]++ % 2));
                    expected.count(noViews);
                }
                // Views: p-views spikes in window 4 (7 against 4: MEDIUM); p-browse is only browsed.
                int pViews = w == 4 ? 7 : 4;
                for (int i = 0; i < pViews; i++) {
                    ProductView v = view("v-pv-" + w + "-" + i, "u" + (i % 3), "p-views", t + 10_000 + i * 100);
                    records.add(pipeline.view(v, next[0]++ % 2));
                    expected.count(v);
                }
                for (int i = 0; i < 4; i++) {
                    ProductView v = view("v-s1-" + w + "-" + i, "u" + (10 + i), "p-steady-1", t + 20_000 + i * 100);
                    records.add(pipeline.view(v, next[0]++ % 2));
                    expected.count(v);
                }
                ProductView s2 = view("v-s2-" + w, "u7", "p-steady-2", t + 21_000);
                ProductView sp1 = view("v-sp-" + w + "-a", "u3", "p-spike", t + 22_000);
                ProductView sp2 = view("v-sp-" + w + "-b", "u4", "p-spike", t + 22_500);
                for (ProductView v : List.of(s2, sp1, sp2)) {
                    records.add(pipeline.view(v, next[0]++ % 2));
                    expected.count(v);
                }
                if (w == 1 || w == 2) {
                    for (int i = 0; i < 3; i++) {
                        ProductView v = view("v-br-" + w + "-" + i, "u2" + i, "p-browse", t + 30_000 + i);
                        records.add(pipeline.view(v, next[0]++ % 2));
                        expected.count(v);
                    }
                }
                // Producer retries: the same events again, later in the stream and on the other partition.
                // They must not count.
                if (w == 3) {
                    OrderEvent retried = order("o-s1-" + w + "-0", "u0", t + 1_000, line("p-steady-1", 1, "10.00"));
                    ProductView retriedView = view("v-pv-" + w + "-1", "u1", "p-views", t + 10_100);
                    records.add(pipeline.order(retried, 0));
                    records.add(pipeline.order(retried, 1));
                    records.add(pipeline.view(retriedView, 0));
                    records.add(pipeline.view(retriedView, 1));
                }
            }
            writer.commit(records);

            // An aborted transaction: a read_committed source never sees it.
            writer.abort(List.of(
                    pipeline.order(order("o-aborted-1", "u1", base + 2 * MINUTE + 50_000, line("p-steady-1", 5, "10.00")), 0),
                    pipeline.view(view("v-aborted-1", "u1", "p-steady-1", base + 2 * MINUTE + 50_000), 0)));

            // Malformed records, each with a known reason.
            byte[] validOrder = pipeline.serialize(order("o-template", "u1", base + 5 * MINUTE, line("p-steady-1", 1, "10.00")));
            byte[] truncated = Arrays.copyOf(validOrder, 9);
            truncated[5] = (byte) 0xFF; truncated[6] = (byte) 0xFF; truncated[7] = (byte) 0xFF; truncated[8] = (byte) 0xFF;
            Map<String, ProducerRecord<byte[], byte[]>> malformed = new TreeMap<>();
            malformed.put("NOT_WIRE_FORMAT", TopicWriter.record(pipeline.ordersTopic, 0, "k1".getBytes(), "{\"json\": true}".getBytes()));
            malformed.put("UNKNOWN_SCHEMA", TopicWriter.record(pipeline.ordersTopic, 1, null, new byte[] {0, 0, 0, 0x27, 0x0F, 2, 4}));
            malformed.put("UNDECODABLE", TopicWriter.record(pipeline.ordersTopic, 0, null, truncated));
            malformed.put("EMPTY_RECORD", TopicWriter.record(pipeline.ordersTopic, 1, "tombstone".getBytes(), null));
            malformed.put("NON_POSITIVE_QUANTITY", pipeline.order(order("o-bad-qty", "u1", base + 5 * MINUTE + 30_000, line("p-steady-1", 0, "10.00")), 0));
            malformed.put("NO_LINE_ITEMS", pipeline.order(order("o-no-lines", "u1", base + 5 * MINUTE + 30_000), 1));
            malformed.put("EVENT_TIME_IN_FUTURE", pipeline.order(order("o-future", "u1", Instant.now().plus(Duration.ofDays(1)).toEpochMilli(),
                    line("p-steady-1", 1, "10.00")), 0));
            ProductView noProduct = view("v-no-product", "u1", "p-x", base + 5 * MINUTE + 30_000);
            noProduct.setProductId(null);
            malformed.put("MISSING_PRODUCT_ID", pipeline.view(noProduct, 1));
            List<RecordMetadata> malformedLanded = writer.commit(malformed.values());

            // Event time moves past window 5 on every partition of both topics, so windows 0-5 fire.
            long tail = base + 6 * MINUTE + 15_000;
            List<ProducerRecord<byte[], byte[]>> tailRecords = new ArrayList<>();
            for (int p = 0; p < PipelineFixture.PARTITIONS; p++) {
                tailRecords.add(pipeline.order(order("o-tail-" + p, "u1", tail, line("p-tail", 1, "1.00")), p));
                tailRecords.add(pipeline.view(view("v-tail-" + p, "u1", "p-tail", tail), p));
            }
            writer.commit(tailRecords);

            pipeline.start(pipeline.config(), 2);

            // Window 5 of p-steady-1 is in the database: the watermark has passed its end, and
            // (lateness 30 s, out-of-orderness 5 s) it is still open for late events.
            String steadyWindow5 = WindowRow.key("p-steady-1", base + 5 * MINUTE);
            await().atMost(PATIENCE).until(() -> pipeline.database.windowRows().containsKey(steadyWindow5));

            // Late within the allowed lateness: updates window 5's row. Beyond it: stored in late_events.
            OrderEvent lateButAllowed = order("o-late-ok", "u5", base + 5 * MINUTE + 20_000, line("p-steady-1", 1, "10.00"));
            expected.count(lateButAllowed);
            OrderEvent tooLate = order("o-too-late", "u6", base + 4 * MINUTE + 10_000, line("p-steady-2", 2, "5.50"));
            ProductView tooLateView = view("v-too-late", "u6", "p-spike", base + 3 * MINUTE + 5_000);
            writer.commit(List.of(pipeline.order(lateButAllowed, 0), pipeline.order(tooLate, 1), pipeline.view(tooLateView, 0)));

            Map<String, WindowRow> expectedRows = expected.rowsBefore(base + 6 * MINUTE);
            await().atMost(PATIENCE).untilAsserted(() -> SoftAssertions.assertSoftly(softly -> {
                softly.assertThat(pipeline.database.windowRows()).isEqualTo(expectedRows);
                softly.assertThat(pipeline.database.lateEvents()).containsExactly(
                        "o-too-late|p-steady-2|ORDER|" + (base + 4 * MINUTE + 10_000) + "|" + (base + 4 * MINUTE),
                        "v-too-late|p-spike|VIEW|" + (base + 3 * MINUTE + 5_000) + "|" + (base + 3 * MINUTE));
            }));
            assertThat(expectedRows.get(steadyWindow5).orders()).as("the late order updated window 5").isEqualTo(3);
            assertThat(expectedRows).as("4 products in 6 windows, 2 products in 2").hasSize(6 * 4 + 2 + 2);

            List<String> expectedAlerts = List.of(
                    "p-spike|REVENUE|" + (base + 4 * MINUTE) + "|HIGH",
                    "p-views|VIEWS|" + (base + 4 * MINUTE) + "|MEDIUM");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(pipeline.database.alerts()).isEqualTo(expectedAlerts));

            // The alerts topic holds the same alerts, once each, in the Confluent wire format.
            DeserializationSchema<TrendAlert> alertDecoder = ConfluentAvro.forSpecificDeserialization(TrendAlert.class, pipeline.registry);
            try (TopicReader alerts = new TopicReader(pipeline.bootstrapServers(), pipeline.alertsTopic)) {
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(alerts.poll()).hasSize(2));
                List<String> fromKafka = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : alerts.poll()) {
                    TrendAlert alert = alertDecoder.deserialize(record.value());
                    fromKafka.add(alert.getProductId() + "|" + alert.getMetric() + "|" + alert.getWindowStart().toEpochMilli()
                            + "|" + alert.getSeverity());
                }
                assertThat(fromKafka).containsExactlyInAnyOrderElementsOf(expectedAlerts);
                assertThat(alerts.poll()).hasSize(2);
            }

            // Every malformed record is in the dead-letter topic with its reason, coordinates and exact bytes.
            DeserializationSchema<DeadLetter> deadLetterDecoder = ConfluentAvro.forSpecificDeserialization(DeadLetter.class, pipeline.registry);
            try (TopicReader deadLetters = new TopicReader(pipeline.bootstrapServers(), pipeline.deadLettersTopic)) {
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(deadLetters.poll()).hasSize(malformed.size()));
                Map<String, DeadLetter> byReason = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> record : deadLetters.poll()) {
                    DeadLetter letter = deadLetterDecoder.deserialize(record.value());
                    assertThat(byReason.put(letter.getReason(), letter)).as("one dead letter per reason").isNull();
                }
                assertThat(byReason.keySet()).isEqualTo(malformed.keySet());
                int i = 0;
                for (Map.Entry<String, ProducerRecord<byte[], byte[]>> sent : malformed.entrySet()) {
                    DeadLetter letter = byReason.get(sent.getKey());
                    RecordMetadata landed = malformedLanded.get(i++);
                    assertThat(letter.getSourceTopic()).isEqualTo(sent.getValue().topic());
                    assertThat(letter.getSourcePartition()).isEqualTo(landed.partition());
                    assertThat(letter.getSourceOffset()).isEqualTo(landed.offset());
                    assertThat(bytes(letter.getPayload())).as(sent.getKey() + " payload").isEqualTo(sent.getValue().value());
                    assertThat(bytes(letter.getKey())).as(sent.getKey() + " key").isEqualTo(sent.getValue().key());
                    assertThat(letter.getDetail()).isNotBlank();
                }
            }
        }
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
