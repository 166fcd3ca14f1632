package io.trendstream.jobs;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.Product;
import io.trendstream.events.ProductView;
import io.trendstream.events.WindowStats;
import io.trendstream.generator.CatalogEntry;
import io.trendstream.generator.EventGenerator;
import io.trendstream.generator.Manifest;
import io.trendstream.generator.RecordSink;
import io.trendstream.generator.SchemaIds;
import io.trendstream.generator.WindowCount;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.testing.TopicReader;
import io.trendstream.testing.TopicWriter;
import io.trendstream.testing.WindowRow;

import org.apache.flink.api.common.serialization.DeserializationSchema;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.trendstream.testing.Events.line;
import static io.trendstream.testing.Events.order;
import static io.trendstream.testing.Events.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The catalog and the window-stats topic on a MiniCluster against a real Kafka broker, schema registry and PostgreSQL,
 * with the generator's run as the oracle: its catalog (with a rename and a removal) reaches the products table, every
 * window row is named after it in the database and on the window-stats topic, the topic holds each window once in
 * Confluent's wire format, and malformed catalog records are dead letters with their reasons.
 */
class CatalogEnrichmentITCase extends PipelineTestBase {

    private static final long MINUTE = 60_000;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    /** The generator's records into Kafka, one transaction per commit; after the first (the catalog) a hook runs. */
    private static final class GatedSink implements RecordSink {
        private final TopicWriter writer;
        private final Runnable afterCatalog;
        private final List<ProducerRecord<byte[], byte[]>> pending = new ArrayList<>();
        private boolean catalogCommitted;

        GatedSink(TopicWriter writer, Runnable afterCatalog) {
            this.writer = writer;
            this.afterCatalog = afterCatalog;
        }

        @Override
        public void send(String topic, byte[] key, byte[] value) {
            pending.add(new ProducerRecord<>(topic, key, value));
        }

        @Override
        public void commit() {
            writer.commit(pending);
            pending.clear();
            if (!catalogCommitted) {
                catalogCommitted = true;
                afterCatalog.run();
            }
        }

        @Override
        public void close() {}
    }

    @Test
    void windowRowsAndTheWindowStatsTopicCarryTheGeneratorsCatalog() throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server());
                TopicWriter writer = new TopicWriter(pipeline.bootstrapServers())) {
            pipeline.start(pipeline.config(), 2);

            SchemaRegistryClient registry = new SchemaRegistryClient(pipeline.registry);
            SchemaIds ids = new SchemaIds(
                    registry.register(ConfluentAvro.topicValueSubject(pipeline.ordersTopic), OrderEvent.getClassSchema()),
                    registry.register(ConfluentAvro.topicValueSubject(pipeline.viewsTopic), ProductView.getClassSchema()),
                    registry.register(ConfluentAvro.topicValueSubject(pipeline.productsTopic), Product.getClassSchema()));
            long start = (Instant.now().toEpochMilli() / MINUTE - 180) * MINUTE;
            EventGenerator generator = EventGenerator.builder()
                    .ordersTopic(pipeline.ordersTopic).viewsTopic(pipeline.viewsTopic).productsTopic(pipeline.productsTopic)
                    .renameProduct("p3", "Renamed Speaker 3").removeProduct("p5")
                    .products(8).users(40).seed(11)
                    .rate(0).count(3_000).eventsPerSecondOfEventTime(10).windowSize(Duration.ofMinutes(1))
                    .startTime(Instant.ofEpochMilli(start))
                    .lateShare(0).malformedShare(0.01).duplicateShare(0.02)
                    .build();
            // The catalog is in the job's broadcast state before the first event is written: the products table is
            // written by a checkpoint, whose barrier reached the enrichment operators after the catalog records. Its
            // last record is p5's tombstone, so p0..p7 without p5 means all of it.
            Manifest manifest = generator.generate(new GatedSink(writer, () -> await().atMost(PATIENCE)
                    .until(() -> pipeline.database.products().keySet().equals(
                            java.util.Set.of("p0", "p1", "p2", "p3", "p4", "p6", "p7")))), ids);
            Map<String, String> expectedProducts = new TreeMap<>();
            manifest.catalog().values().forEach(p -> expectedProducts.put(p.productId(), p.name() + "|" + p.category() + "|" + p.listPrice()));
            assertThat(expectedProducts).hasSize(7).doesNotContainKey("p5");
            assertThat(pipeline.database.products()).isEqualTo(expectedProducts);

            // Malformed catalog records: dead letters with their reasons, and the catalog goes on.
            writer.commit(List.of(
                    new ProducerRecord<>(pipeline.productsTopic, "p1".getBytes(StandardCharsets.UTF_8), "{\"json\": true}".getBytes()),
                    new ProducerRecord<>(pipeline.productsTopic, "p2".getBytes(StandardCharsets.UTF_8), ConfluentAvro
                            .forSpecificSerialization(Product.class, ConfluentAvro.topicValueSubject(pipeline.productsTopic), pipeline.registry)
                            .serialize(Product.newBuilder().setProductId("p7").setName("x").setUpdatedAt(Instant.now()).build()))));
            // Event time moves past the run's last window on every partition, so that every window of the run fires.
            long tail = manifest.openWindowStart() + MINUTE + 15_000;
            List<ProducerRecord<byte[], byte[]>> tailRecords = new ArrayList<>();
            for (int p = 0; p < PipelineFixture.PARTITIONS; p++) {
                tailRecords.add(pipeline.order(order("tail-o" + p, "u1", tail, line("p-tail", 1, "1.00")), p));
                tailRecords.add(pipeline.view(view("tail-v" + p, "u1", "p-tail", tail), p));
            }
            writer.commit(tailRecords);

            Map<String, WindowRow> expectedRows = new TreeMap<>();
            Map<String, String> expectedNames = new TreeMap<>();
            for (WindowCount w : manifest.windows()) {
                WindowRow row = rowOf(w);
                expectedRows.put(row.key(), row);
                CatalogEntry product = manifest.catalog().get(w.productId());
                expectedNames.put(row.key(), product == null ? "|" : product.name() + "|" + product.category());
            }
            assertThat(expectedNames).as("windows of a removed product").containsValue("|")
                    .as("windows of the renamed product").containsValue("Renamed Speaker 3|" + manifest.catalog().get("p3").category());
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(pipeline.database.windowRows()).isEqualTo(expectedRows));
            assertThat(pipeline.database.windowNames()).isEqualTo(expectedNames);

            // The topic: each window once (no window re-fired: the run has no late events), named, keyed, partitioned.
            DeserializationSchema<WindowStats> decoder = ConfluentAvro.forSpecificDeserialization(WindowStats.class, pipeline.registry);
            try (TopicReader reader = new TopicReader(pipeline.bootstrapServers(), pipeline.windowStatsTopic)) {
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(reader.poll()).hasSizeGreaterThanOrEqualTo(expectedRows.size()));
                Map<String, WindowRow> topicRows = new TreeMap<>();
                Map<String, String> topicNames = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> record : reader.poll()) {
                    WindowStats stats = decoder.deserialize(record.value());
                    assertThat(new String(record.key(), StandardCharsets.UTF_8))
                            .isEqualTo(stats.getProductId() + "@" + stats.getWindowStart());
                    assertThat(record.partition()).isEqualTo(
                            Utils.toPositive(Utils.murmur2(stats.getProductId().getBytes(StandardCharsets.UTF_8))) % PipelineFixture.PARTITIONS);
                    assertThat(stats.getRevision()).isEqualTo(1);
                    WindowRow row = new WindowRow(stats.getProductId(), stats.getWindowStart().toEpochMilli(),
                            stats.getWindowEnd().toEpochMilli(), stats.getOrders(), stats.getUnits(), stats.getRevenue(),
                            stats.getAverageOrderValue(), stats.getDistinctUsers(), stats.getViews(), stats.getConversion());
                    assertThat(topicRows.put(row.key(), row)).as("one record per window").isNull();
                    topicNames.put(row.key(), stats.getProductName() + "|" + stats.getCategory());
                }
                assertThat(topicRows).isEqualTo(expectedRows);
                assertThat(topicNames).isEqualTo(expectedNames);
            }

            DeserializationSchema<DeadLetter> letters = ConfluentAvro.forSpecificDeserialization(DeadLetter.class, pipeline.registry);
            Map<String, Long> expectedReasons = new TreeMap<>(manifest.counts().malformedByReason());
            expectedReasons.values().removeIf(n -> n == 0);
            expectedReasons.merge("NOT_WIRE_FORMAT", 1L, Long::sum);
            expectedReasons.merge("PRODUCT_KEY_MISMATCH", 1L, Long::sum);
            long expectedLetters = expectedReasons.values().stream().mapToLong(Long::longValue).sum();
            try (TopicReader reader = new TopicReader(pipeline.bootstrapServers(), pipeline.deadLettersTopic)) {
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(reader.poll()).hasSize((int) expectedLetters));
                Map<String, Long> reasons = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> record : reader.poll()) {
                    DeadLetter letter = letters.deserialize(record.value());
                    reasons.merge(letter.getReason(), 1L, Long::sum);
                    if (letter.getSourceTopic().equals(pipeline.productsTopic)) {
                        assertThat(letter.getReason()).isIn("NOT_WIRE_FORMAT", "PRODUCT_KEY_MISMATCH");
                    }
                }
                assertThat(reasons).isEqualTo(expectedReasons);
            }
        }
    }

    private static WindowRow rowOf(WindowCount w) {
        BigDecimal average = w.orders() == 0 ? BigDecimal.ZERO.setScale(2)
                : w.revenue().divide(BigDecimal.valueOf(w.orders()), 2, RoundingMode.HALF_EVEN);
        return new WindowRow(w.productId(), w.windowStart(), w.windowStart() + MINUTE, w.orders(), w.units(), w.revenue(),
                average, w.distinctUsers(), w.views(), w.views() == 0 ? null : (double) w.orders() / w.views());
    }
}
