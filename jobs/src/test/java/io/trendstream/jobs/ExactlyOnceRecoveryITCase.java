package io.trendstream.jobs;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.WindowStats;
import io.trendstream.jdbc.CheckpointStaller;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.testing.ExpectedResults;
import io.trendstream.testing.RandomTraffic;
import io.trendstream.testing.TopicReader;
import io.trendstream.testing.TopicWriter;
import io.trendstream.testing.WindowRow;
import io.trendstream.workflows.PipelineOutputs;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectMiniCluster;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.trendstream.testing.Events.line;
import static io.trendstream.testing.Events.order;
import static io.trendstream.testing.Events.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once across a crash: the TaskManager dies while a checkpoint is in flight and the sinks have
 * prepared transactions for it. A new TaskManager joins, the job restarts from its last checkpoint,
 * and in the end the database equals the input exactly, Kafka holds every alert, dead letter and
 * window-stats record once, and no prepared transaction is left behind.
 */
class ExactlyOnceRecoveryITCase extends PipelineTestBase {

    private static final long MINUTE = 60_000;
    private static final int WINDOWS = 12;
    private static final int EVENTS_PER_WINDOW = 400;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    void databaseAndTopicsAreExactAfterTaskManagerCrashDuringCheckpoint(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path savepoints) throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server());
                TopicWriter writer = new TopicWriter(pipeline.bootstrapServers())) {
            long base = (Instant.now().toEpochMilli() / MINUTE - 120) * MINUTE;
            RandomTraffic traffic = new RandomTraffic(42, 25, 60);
            ExpectedResults expected = new ExpectedResults(MINUTE);
            int malformed = 0;

            JobClient job = pipeline.start(pipeline.config("--state.rocksdb", "true", "--restart.initial-delay", "200 ms"), 2,
                    outputs -> new PipelineOutputs(
                            stats -> {
                                outputs.windowStats().apply(stats);
                                stats.map(new CheckpointStaller<>()).name("Test: checkpoint staller")
                                        .sinkTo(new DiscardingSink<>()).name("Test: discard");
                            },
                            outputs.alerts(), outputs.lateEvents(), outputs.deadLetters(),
                            outputs.windowStatsTopic(), outputs.products()));

            int crashInWindow = 6;
            for (int w = 0; w < WINDOWS; w++) {
                if (w == crashInWindow) {
                    // This window's events move event time past the previous window: its rows flow to the sink.
                    CheckpointStaller.arm();
                }
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                int partition = 0;
                for (RandomTraffic.Event event : traffic.window("w" + w, base + w * MINUTE, MINUTE, EVENTS_PER_WINDOW)) {
                    if (event instanceof RandomTraffic.Order order) {
                        records.add(pipeline.order(order.event(), partition++ % 2));
                        expected.count(order.event());
                    } else if (event instanceof RandomTraffic.View view) {
                        records.add(pipeline.view(view.event(), partition++ % 2));
                        expected.count(view.event());
                    }
                }
                // A producer retry and a malformed record in every window.
                records.add(records.get(0));
                records.add(TopicWriter.record(pipeline.ordersTopic, w % 2, null, ("garbage-" + w).getBytes()));
                malformed++;
                writer.commit(records);

                if (w == crashInWindow) {
                    // A checkpoint is in flight and cannot complete when the TaskManager dies.
                    assertThat(CheckpointStaller.stalled.await(60, TimeUnit.SECONDS)).as("a checkpoint stalled").isTrue();
                    miniCluster.terminateTaskManager(0).get();
                    CheckpointStaller.disarm();
                    miniCluster.startTaskManager();
                }
            }
            // Move event time past the last window on every partition.
            long tail = base + WINDOWS * MINUTE + 10_000;
            List<ProducerRecord<byte[], byte[]>> tailRecords = new ArrayList<>();
            for (int p = 0; p < PipelineFixture.PARTITIONS; p++) {
                tailRecords.add(pipeline.order(order("tail-o" + p, "u1", tail, line("p-tail", 1, "1.00")), p));
                tailRecords.add(pipeline.view(view("tail-v" + p, "u1", "p-tail", tail), p));
            }
            writer.commit(tailRecords);

            var expectedRows = expected.rowsBefore(base + WINDOWS * MINUTE);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(pipeline.database.windowRows()).isEqualTo(expectedRows));

            // Stop with a savepoint: everything in flight commits, and nothing may stay prepared.
            job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
            await().atMost(PATIENCE).until(() -> job.getJobStatus().get() == JobStatus.FINISHED);
            assertThat(pipeline.database.preparedTransactions()).as("prepared transactions left behind").isZero();
            assertThat(pipeline.database.windowRows()).isEqualTo(expectedRows);

            // Kafka holds every dead letter and every alert exactly once, and the alerts match the database.
            DeserializationSchema<DeadLetter> deadLetters = ConfluentAvro.forSpecificDeserialization(DeadLetter.class, pipeline.registry);
            try (TopicReader reader = new TopicReader(pipeline.bootstrapServers(), pipeline.deadLettersTopic)) {
                final int malformedSent = malformed;
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(reader.poll()).hasSizeGreaterThanOrEqualTo(malformedSent));
                Set<String> payloads = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : reader.poll()) {
                    payloads.add(StandardCharsets.UTF_8.decode(deadLetters.deserialize(record.value()).getPayload()).toString());
                }
                assertThat(reader.poll()).hasSize(malformedSent);
                assertThat(payloads).hasSize(malformedSent);
            }
            // The window-stats topic holds every window exactly once, as the database has it: the firings replayed after
            // the crash replaced the aborted transaction's, with the same revision.
            DeserializationSchema<WindowStats> windowStats = ConfluentAvro.forSpecificDeserialization(WindowStats.class, pipeline.registry);
            try (TopicReader reader = new TopicReader(pipeline.bootstrapServers(), pipeline.windowStatsTopic)) {
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(reader.poll()).hasSizeGreaterThanOrEqualTo(expectedRows.size()));
                Map<String, WindowRow> fromKafka = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> record : reader.poll()) {
                    WindowStats stats = windowStats.deserialize(record.value());
                    WindowRow row = new WindowRow(stats.getProductId(), stats.getWindowStart().toEpochMilli(),
                            stats.getWindowEnd().toEpochMilli(), stats.getOrders(), stats.getUnits(), stats.getRevenue(),
                            stats.getAverageOrderValue(), stats.getDistinctUsers(), stats.getViews(), stats.getConversion());
                    assertThat(fromKafka.put(row.key(), row)).as("%s once", row.key()).isNull();
                    assertThat(stats.getRevision()).as("%s revision", row.key()).isEqualTo(1);
                }
                assertThat(fromKafka).isEqualTo(expectedRows);
            }
            DeserializationSchema<TrendAlert> alerts = ConfluentAvro.forSpecificDeserialization(TrendAlert.class, pipeline.registry);
            List<String> databaseAlerts = pipeline.database.alerts();
            try (TopicReader reader = new TopicReader(pipeline.bootstrapServers(), pipeline.alertsTopic)) {
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(reader.poll()).hasSize(databaseAlerts.size()));
                List<String> fromKafka = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : reader.poll()) {
                    TrendAlert alert = alerts.deserialize(record.value());
                    fromKafka.add(alert.getProductId() + "|" + alert.getMetric() + "|" + alert.getWindowStart().toEpochMilli()
                            + "|" + alert.getSeverity());
                }
                assertThat(fromKafka).containsExactlyInAnyOrderElementsOf(databaseAlerts);
            }
        }
    }

}
