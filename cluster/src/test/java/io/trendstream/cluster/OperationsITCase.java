package io.trendstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trendstream.cluster.Manifest.Totals;
import io.trendstream.cluster.Manifest.WindowKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Operates the real pipeline the way a user does, through {@code bin/pipeline} and {@code bin/flink} only: start
 * the stack; submit the job with the CLI; generate events (with duplicates and malformed records); stop the job
 * with a savepoint; restore it from the savepoint with parallelism 2; generate more; SIGKILL the TaskManager while
 * events stream in and start a new one; then check the database against the generators' manifests: every closed
 * window exact, and no prepared transaction left after a final stop with savepoint.
 *
 * <p>Short windows keep it to a few minutes: 10 s windows, 5 s allowed lateness, 2 s out-of-orderness, a
 * checkpoint every 2 s. Each generator run starts its event time at a window boundary after the previous run's
 * open window, so no window straddles two runs, and the last run only pushes event time past the windows checked.
 */
class OperationsITCase {

    private static final Duration WINDOW = LocalStack.WINDOW;
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private static LocalStack stack;
    private static boolean passed;

    @BeforeAll
    static void startStack() throws Exception {
        Path root = LocalStack.locateRoot();
        // The generator's jar (module generator/, or TRENDSTREAM_GENERATOR_JAR): the reactor builds it before this
        // module, so its absence is a broken build, not a reason to skip (a skipped test would let CI pass unchecked).
        String generatorJar = System.getenv().getOrDefault("TRENDSTREAM_GENERATOR_JAR",
                root.resolve("generator/target/generator.jar").toString());
        assertThat(Path.of(generatorJar))
                .as("the operations test needs the event generator's jar %s: build it with `mvn package -pl generator`"
                        + " (the reactor builds it before cluster/), or point TRENDSTREAM_GENERATOR_JAR at it", generatorJar)
                .isRegularFile();
        for (String artifact : List.of("jobs/target/trendstream-job.jar", "cluster/target/lib", "tools/target/lib")) {
            assertThat(root.resolve(artifact))
                    .as("%s is built by `mvn package` (the reactor builds it before this test)", artifact).exists();
        }
        stack = new LocalStack(root);
        stack.run(Duration.ofMinutes(5), "bin/pipeline", "up", "--detach", "--no-job").requireSuccess();
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            LocalStack.Result down = stack.run(Duration.ofMinutes(4), "bin/pipeline", "down");
            assertThat(down.exitCode()).as("bin/pipeline down:\n%s", down.output()).isZero();
            // Nothing of ours may survive `down`: every component's pid is gone.
            LocalStack.Result status = stack.run(Duration.ofMinutes(1), "bin/pipeline", "status");
            assertThat(status.output()).as(status.output()).doesNotContain(" up ");
            if (passed) {
                deleteRecursively(stack.home); // kept after a failure, for its logs and data
            }
        }
    }

    @Test
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
    void submitSavepointRestoreRescaleAndSurviveATaskManagerLoss() throws Throwable {
        try {
            operate();
            passed = true;
        } catch (Throwable failure) {
            AssertionError withLogs = new AssertionError(failure.getMessage() + "\n\nComponent logs:" + stack.logTails(60), failure);
            throw withLogs;
        }
    }

    private void operate() throws Exception {
        Instant start = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);

        // 1. Submit with the CLI, as the runbook says.
        String job1 = submit(List.of());
        awaitAllTasksRunning(job1);

        // 2. First batch of events, with duplicates and malformed records.
        Path manifest1 = stack.home.resolve("manifest-1.json");
        generate(start, 4000, manifest1, "0.05", "0.02");
        Manifest first = Manifest.read(manifest1);
        // Wait until the first closed windows reach the database: the job consumes and commits.
        await("first windows in the database").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> databaseRows().size() > 0);

        // 3. Stop with a savepoint, restore from it with parallelism 2.
        String savepoint = stopWithSavepoint(job1);
        String job2 = submit(List.of("-s", savepoint, "-p", "2"));
        awaitAllTasksRunning(job2);
        assertThat(stack.vertexParallelism(job2)).as("parallelism after restoring with -p 2").containsOnly(2);

        // 4. More events, continuing event time after the first run's open window; SIGKILL the TaskManager while
        //    they stream in, then start a new one as a user would.
        // (A whole window between the runs, as generator/README.md advises: no window holds events of both.)
        Instant secondStart = first.openWindowStart().plus(WINDOW.multipliedBy(2));
        Path manifest2 = stack.home.resolve("manifest-2.json");
        Process generator = stack.start(Map.of(), stack.generatorCommand(secondStart, 4000, manifest2, "0.05", "0.02", "200"));
        int checkpointsBefore = stack.completedCheckpoints(job2);
        await("a checkpoint of the restored job while events stream in").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).until(() -> stack.completedCheckpoints(job2) > checkpointsBefore);
        assertThat(stack.home.resolve("checkpoints").resolve(job2)).as("checkpoints under TRENDSTREAM_HOME").isDirectory();
        assertThat(generator.isAlive()).as("the generator still produces when the TaskManager is killed").isTrue();
        killTaskManager();
        stack.run(Duration.ofMinutes(3), "bin/pipeline", "taskmanager", "start").requireSuccess();
        await("the job restarts after losing its TaskManager").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> stack.restarts(job2) >= 1);
        assertThat(generator.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)).as("generator run 2 finished").isTrue();
        assertThat(generator.exitValue()).as("generator run 2:\n%s", stack.output(generator)).isZero();
        awaitAllTasksRunning(job2);
        Manifest second = Manifest.read(manifest2);

        // 5. A last run, starting well after the second run's open window, pushes event time past every window
        //    checked; its own windows are not checked.
        Instant pushStart = second.openWindowStart().plus(WINDOW.multipliedBy(3));
        generate(pushStart, 1500, stack.home.resolve("manifest-3.json"), "0", "0");

        // 6. Every window of runs 1 and 2 is in the database with exactly the manifests' totals.
        Map<WindowKey, Totals> expected = new TreeMap<>(first.windows());
        second.windows().forEach((key, totals) -> {
            assertThat(expected.put(key, totals)).as("window %s in both runs", key).isNull();
        });
        // Run 1: 4000 events at 100 per second of event time = 4 windows; run 2, paced at 200 events/s (event time
        // then follows the wall clock) = 2 windows; every one of the 20 products is active in each.
        assertThat(first.windows()).as("windows of run 1").hasSize(4 * 20);
        assertThat(second.windows()).as("windows of run 2").hasSize(2 * 20);
        await("every window of runs 1 and 2 exact in product_window_stats").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(databaseRows(pushStart)).isEqualTo(expected));
        assertThat(count("SELECT count(*) FROM late_events")).as("late events (the generators made none)").isZero();
        assertThat(first.malformed() + second.malformed()).as("malformed records sent").isPositive();
        assertThat(deadLetters()).as("dead letters: each malformed record exactly once")
                .isEqualTo(first.malformed() + second.malformed());

        System.out.printf("Checked %d window rows (run 1: %d, run 2: %d), %d dead letters, %d restart(s)%n",
                expected.size(), first.windows().size(), second.windows().size(), first.malformed() + second.malformed(),
                stack.restarts(job2));

        // 7. Final stop with a savepoint: no prepared transaction is left behind.
        String jobId = currentJob(job2);
        stopWithSavepoint(jobId);
        await("no prepared transactions").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> count("SELECT count(*) FROM pg_prepared_xacts") == 0);
        assertThat(count("SELECT count(*) FROM pg_prepared_xacts")).isZero();
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- steps

    private String submit(List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/flink", "run", "-d"));
        command.addAll(options);
        command.addAll(List.of("jobs/target/trendstream-job.jar",
                "--kafka.bootstrap-servers", stack.kafka(),
                "--schema-registry.url", stack.registry(),
                "--jdbc.url", stack.jdbcUrl(),
                "--jdbc.user", "trendstream",
                "--window.size", "10 s",
                "--window.allowed-lateness", "5 s",
                "--watermark.out-of-orderness", "2 s",
                "--checkpoint.interval", "2 s",
                "--restart.initial-delay", "1 s"));
        LocalStack.Result result = stack.run(Duration.ofMinutes(3),
                Map.of("TRENDSTREAM_JDBC_PASSWORD", stack.databasePassword()), command.toArray(String[]::new));
        result.requireSuccess();
        Matcher id = JOB_ID.matcher(result.output());
        assertThat(id.find()).as("job id in:\n%s", result.output()).isTrue();
        return id.group(1);
    }

    private void awaitAllTasksRunning(String jobId) {
        await("job " + jobId + " running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> stack.allTasksRunning(jobId));
    }

    private String stopWithSavepoint(String jobId) throws Exception {
        Path savepoints = stack.home.resolve("savepoints");
        LocalStack.Result result = stack.run(Duration.ofMinutes(3), "bin/flink", "stop", "--savepointPath",
                savepoints.toString(), jobId).requireSuccess();
        Matcher path = SAVEPOINT.matcher(result.output());
        assertThat(path.find()).as("savepoint path in:\n%s", result.output()).isTrue();
        await("job " + jobId + " finished").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> stack.jobState(jobId).equals("FINISHED"));
        String location = path.group(1);
        assertThat(Path.of(location.replaceFirst("^file:", ""))).isDirectory();
        return location;
    }

    private void killTaskManager() throws Exception {
        LocalStack.kill(stack.pid("taskmanager-1"));
    }

    private void generate(Instant startTime, int count, Path manifest, String duplicateShare, String malformedShare)
            throws Exception {
        stack.run(Duration.ofMinutes(3), stack.generatorCommand(startTime, count, manifest, duplicateShare, malformedShare, "0"))
                .requireSuccess();
    }

    /** Dead letters as `bin/pipeline dlq` shows them. */
    private int deadLetters() throws Exception {
        LocalStack.Result dlq = stack.run(Duration.ofMinutes(2), "bin/pipeline", "dlq", "--max", "100000").requireSuccess();
        Matcher shown = Pattern.compile("(\\d+) dead letter\\(s\\) shown").matcher(dlq.output());
        assertThat(shown.find()).as(dlq.output()).isTrue();
        return Integer.parseInt(shown.group(1));
    }

    /** The job after its restarts: the one running now (the id stays the same across restarts). */
    private String currentJob(String jobId) throws Exception {
        assertThat(stack.jobState(jobId)).isEqualTo("RUNNING");
        return jobId;
    }

    // ---------------------------------------------------------------------------------------------- database

    private Map<WindowKey, Totals> databaseRows() throws Exception {
        return stack.windowRows(Instant.parse("9999-01-01T00:00:00Z"));
    }

    private Map<WindowKey, Totals> databaseRows(Instant before) throws Exception {
        return stack.windowRows(before);
    }

    private long count(String sql) throws Exception {
        return stack.count(sql);
    }
}
