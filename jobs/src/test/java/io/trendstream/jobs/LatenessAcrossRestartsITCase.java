package io.trendstream.jobs;

import io.trendstream.events.ProductView;
import io.trendstream.testing.ExpectedResults;
import io.trendstream.testing.RandomTraffic;
import io.trendstream.testing.TopicWriter;
import io.trendstream.testing.WindowRow;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.trendstream.testing.Events.line;
import static io.trendstream.testing.Events.order;
import static io.trendstream.testing.Events.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lateness survives restarts. Flink does not checkpoint watermarks, so after a restore the sources start from
 * none; an event for a window that closed before the restart must still be late: recorded in late_events, and
 * the window's committed row left as it was (never replaced by a firing of that one event). Shown across a
 * stop-with-savepoint and restore with a higher parallelism, and across a failover.
 */
class LatenessAcrossRestartsITCase extends PipelineTestBase {

    private static final long MINUTE = 60_000;
    private static final int EVENTS_PER_WINDOW = 200;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    void anEventForAWindowClosedBeforeASavepointIsLateAfterARestoreWithMoreParallelism(@TempDir Path savepoints)
            throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server());
                TopicWriter writer = new TopicWriter(pipeline.bootstrapServers())) {
            Traffic traffic = new Traffic(pipeline, writer);
            JobClient job = pipeline.start(pipeline.config("--state.rocksdb", "true"), 1);
            traffic.commitFourClosedWindows();

            String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
            await().atMost(PATIENCE).until(() -> job.getJobStatus().get() == JobStatus.FINISHED);

            ProductView late = traffic.lateView(0);
            pipeline.startFromSavepoint(pipeline.config("--state.rocksdb", "true"), 2, savepoint);
            traffic.windows(5, 6);
            traffic.closeWindowsBefore(6);

            assertLateAndRowsUnchanged(pipeline, traffic, late);
        }
    }

    @Test
    void anEventForAWindowClosedBeforeAFailoverIsLateAfterTheRestart(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server());
                TopicWriter writer = new TopicWriter(pipeline.bootstrapServers())) {
            Traffic traffic = new Traffic(pipeline, writer);
            JobClient job = pipeline.start(pipeline.config("--state.rocksdb", "true", "--restart.initial-delay", "200 ms"), 2);
            traffic.commitFourClosedWindows();
            miniCluster.triggerCheckpoint(job.getJobID()).get(); // the restart resumes from a state with these windows closed

            miniCluster.terminateTaskManager(0).get();
            ProductView late = traffic.lateView(0); // read only after the restart from the last checkpoint
            miniCluster.startTaskManager();
            traffic.windows(5, 6);
            traffic.closeWindowsBefore(6);

            assertLateAndRowsUnchanged(pipeline, traffic, late);
        }
    }

    private static void assertLateAndRowsUnchanged(PipelineFixture pipeline, Traffic traffic, ProductView late) {
        // The windows after the restart are committed once the watermark has passed the late event's window again:
        // a firing of that window would have come first.
        Map<String, WindowRow> expectedRows = traffic.expected.rowsBefore(traffic.windowStart(6));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(pipeline.database.windowRows()).isEqualTo(expectedRows));
        long eventTime = late.getEventTime().toEpochMilli();
        String lateRow = late.getEventId() + "|" + late.getProductId() + "|VIEW|" + eventTime + "|"
                + traffic.expected.windowStart(eventTime);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(pipeline.database.lateEvents()).containsExactly(lateRow));
        assertThat(pipeline.database.windowRows()).isEqualTo(expectedRows);
    }

    /** Event-time traffic in whole minutes from two hours ago, on both partitions, and what it must produce. */
    private static final class Traffic {
        final ExpectedResults expected = new ExpectedResults(MINUTE);
        private final PipelineFixture pipeline;
        private final TopicWriter writer;
        private final RandomTraffic random = new RandomTraffic(7, 10, 40);
        private final long base = (Instant.now().toEpochMilli() / MINUTE - 120) * MINUTE;
        private int tails;

        Traffic(PipelineFixture pipeline, TopicWriter writer) {
            this.pipeline = pipeline;
            this.writer = writer;
        }

        long windowStart(int window) {
            return base + window * MINUTE;
        }

        /** Windows 0 to 3, closed for good by the watermark, and their rows committed to the database. */
        void commitFourClosedWindows() throws Exception {
            windows(0, 4);
            closeWindowsBefore(4);
            Map<String, WindowRow> closedRows = expected.rowsBefore(windowStart(4));
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(pipeline.database.windowRows()).isEqualTo(closedRows));
        }

        /** Events of windows {@code from} (inclusive) to {@code to} (exclusive), counted as expected. */
        void windows(int from, int to) throws Exception {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            int partition = 0;
            for (int w = from; w < to; w++) {
                for (RandomTraffic.Event event : random.window("w" + w, windowStart(w), MINUTE, EVENTS_PER_WINDOW)) {
                    if (event instanceof RandomTraffic.Order order) {
                        records.add(pipeline.order(order.event(), partition++ % PipelineFixture.PARTITIONS));
                        expected.count(order.event());
                    } else if (event instanceof RandomTraffic.View view) {
                        records.add(pipeline.view(view.event(), partition++ % PipelineFixture.PARTITIONS));
                        expected.count(view.event());
                    }
                }
            }
            writer.commit(records);
        }

        /**
         * Moves event time on every partition so far that the windows before {@code window} are closed for good
         * (past the allowed lateness of 30 s, with 5 s out-of-orderness). The events are in window {@code window}
         * of a product of their own, so they count as expected.
         */
        void closeWindowsBefore(int window) throws Exception {
            long time = windowStart(window) + 40_000;
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int p = 0; p < PipelineFixture.PARTITIONS; p++) {
                var order = order("tail-" + tails + "-o" + p, "u-tail", time, line("p-tail", 1, "1.00"));
                records.add(pipeline.order(order, p));
                expected.count(order);
                var view = view("tail-" + tails + "-v" + p, "u-tail", "p-tail", time);
                records.add(pipeline.view(view, p));
                expected.count(view);
            }
            tails++;
            writer.commit(records);
        }

        /** A view of a product that has a row in {@code window}, which is closed for good: not counted. */
        ProductView lateView(int window) throws Exception {
            String product = expected.rowsBefore(windowStart(window + 1)).values().stream()
                    .filter(row -> row.windowStart() == windowStart(window) && !row.productId().equals("p-tail"))
                    .findFirst().orElseThrow().productId();
            ProductView late = view("late-view", "u-late", product, windowStart(window) + 30_000);
            writer.commit(List.of(pipeline.view(late, 0)));
            return late;
        }
    }
}
