package io.trendstream.jobs;

import io.trendstream.testing.ExpectedResults;
import io.trendstream.testing.RandomTraffic;
import io.trendstream.testing.TopicWriter;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.trendstream.testing.Events.line;
import static io.trendstream.testing.Events.order;
import static io.trendstream.testing.Events.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dependency outage of any length is ridden out: the database goes down for longer than the restart budget the
 * job used to have (10 attempts, then FAILED), the job keeps restarting with a bounded delay while events keep
 * arriving, and once the database is back it resumes on its own and every window row is exact. Delays are scaled
 * down (restarts every 50 to 200 ms) so that "longer than the budget" takes seconds.
 */
class DependencyOutageITCase extends PipelineTestBase {

    /** The restart attempts after which the job used to fail for good. */
    private static final int OLD_RESTART_BUDGET = 10;
    private static final long MINUTE = 60_000;
    private static final int WINDOWS_BEFORE = 3;
    private static final int WINDOWS_DURING = 3;
    private static final int EVENTS_PER_WINDOW = 300;
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final Pattern METRIC_VALUE = Pattern.compile("\"value\"\\s*:\\s*\"(\\d+)\"");

    @Test
    void ridesOutADatabaseOutageLongerThanTheOldRestartBudgetAndEveryWindowIsExact(@InjectMiniCluster MiniCluster flink)
            throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server());
                TopicWriter writer = new TopicWriter(pipeline.bootstrapServers())) {
            long base = (Instant.now().toEpochMilli() / MINUTE - 60) * MINUTE;
            RandomTraffic traffic = new RandomTraffic(7, 20, 50);
            ExpectedResults expected = new ExpectedResults(MINUTE);
            JobClient job = pipeline.start(pipeline.config("--state.rocksdb", "false",
                    "--restart.initial-delay", "50 ms", "--restart.max-delay", "200 ms"), 2);

            for (int w = 0; w < WINDOWS_BEFORE; w++) {
                writer.commit(window(pipeline, traffic, expected, base, w));
            }
            // The job commits to the database before the outage: the first windows are there.
            await("first windows in the database").atMost(PATIENCE)
                    .until(() -> !pipeline.database.windowRows().isEmpty());

            POSTGRES.server().stop();
            Instant outageStart = Instant.now();
            for (int w = WINDOWS_BEFORE; w < WINDOWS_BEFORE + WINDOWS_DURING; w++) {
                writer.commit(window(pipeline, traffic, expected, base, w));
            }
            // Longer than the old budget: more restarts than it allowed, and the job neither FAILED nor gave up.
            await("more restarts than the old budget of " + OLD_RESTART_BUDGET + " while the database is down")
                    .atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                    .failFast("the job gave up", () -> job.getJobStatus().get().isGloballyTerminalState())
                    .until(() -> restarts(flink, job.getJobID()) > OLD_RESTART_BUDGET + 5);
            Duration outage = Duration.between(outageStart, Instant.now());

            POSTGRES.server().start();
            Instant back = Instant.now();
            // Event time moves past the last window on every partition, so every window closes.
            long tail = base + (WINDOWS_BEFORE + WINDOWS_DURING) * MINUTE + 10_000;
            List<ProducerRecord<byte[], byte[]>> tailRecords = new ArrayList<>();
            for (int p = 0; p < PipelineFixture.PARTITIONS; p++) {
                tailRecords.add(pipeline.order(order("tail-o" + p, "u1", tail, line("p-tail", 1, "1.00")), p));
                tailRecords.add(pipeline.view(view("tail-v" + p, "u1", "p-tail", tail), p));
            }
            writer.commit(tailRecords);

            var expectedRows = expected.rowsBefore(base + (WINDOWS_BEFORE + WINDOWS_DURING) * MINUTE);
            await("every window exact after the database is back").atMost(PATIENCE).ignoreExceptions()
                    .untilAsserted(() -> assertThat(pipeline.database.windowRows()).isEqualTo(expectedRows));
            System.out.printf("Database outage of %d s with %d restarts; every window exact %d ms after it ended%n",
                    outage.toSeconds(), restarts(flink, job.getJobID()), Duration.between(back, Instant.now()).toMillis());
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> window(PipelineFixture pipeline, RandomTraffic traffic,
            ExpectedResults expected, long base, int w) {
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
        return records;
    }

    /** The job's numRestarts metric, from the MiniCluster's REST API, as a dashboard or Prometheus reads it. */
    private static long restarts(MiniCluster flink, JobID job) throws Exception {
        URI rest = flink.getRestAddress().get();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                rest.resolve("/jobs/" + job + "/metrics?get=numRestarts")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher value = METRIC_VALUE.matcher(response.body()); // [{"id":"numRestarts","value":"12"}]
        return value.find() ? Long.parseLong(value.group(1)) : 0;
    }
}
