package io.trendstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trendstream.cluster.Manifest.Totals;
import io.trendstream.cluster.Manifest.WindowKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/pipeline} recovers what crashed, as a user meets it: the job `up` submitted resumes from its latest
 * retained checkpoint after the JobManager is SIGKILLed (there is no JobManager HA locally) and every closed window
 * is exact; a PostgreSQL server that crashed under its launcher is reported and restarted by `up`, and the job rides
 * the outage out; `down` removes the working directories a killed TaskManager leaves behind. On the way: every port
 * the stack listens on is bound to the loopback interface.
 *
 * <p>The job gets short windows through the environment of `up` (settings are read as TRENDSTREAM_KEY as well).
 */
class StackRecoveryITCase {

    private static final Map<String, String> JOB_SETTINGS = Map.of(
            "TRENDSTREAM_WINDOW_SIZE", "10 s",
            "TRENDSTREAM_WINDOW_ALLOWED_LATENESS", "5 s",
            "TRENDSTREAM_WATERMARK_OUT_OF_ORDERNESS", "2 s",
            "TRENDSTREAM_CHECKPOINT_INTERVAL", "2 s",
            "TRENDSTREAM_RESTART_INITIAL_DELAY", "1 s",
            "TRENDSTREAM_RESTART_MAX_DELAY", "5 s");
    private static final Pattern RESUMING = Pattern.compile("Resuming job ([0-9a-f]{32}).* from its latest retained state: (\\S+)");

    private static LocalStack stack;
    private static boolean passed;

    @BeforeAll
    static void prepare() throws Exception {
        Path root = LocalStack.locateRoot();
        for (String artifact : List.of("jobs/target/trendstream-job.jar", "generator/target/generator.jar",
                "cluster/target/lib", "tools/target/lib")) {
            assertThat(root.resolve(artifact))
                    .as("%s is built by `mvn package` (the reactor builds it before this test)", artifact).exists();
        }
        stack = new LocalStack(root);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            LocalStack.Result down = stack.run(Duration.ofMinutes(4), "bin/pipeline", "down");
            assertThat(down.exitCode()).as("bin/pipeline down:\n%s", down.output()).isZero();
            if (passed) {
                OperationsITCase.deleteRecursively(stack.home); // kept after a failure, for its logs and data
            }
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void resumesTheJobAfterLosingTheJobManagerAndRestartsACrashedDatabase() throws Throwable {
        try {
            loseTheJobManager();
            crashTheDatabase();
            killATaskManagerAndStop();
            passed = true;
        } catch (Throwable failure) {
            throw new AssertionError(failure.getMessage() + "\n\nComponent logs:" + stack.logTails(60), failure);
        }
    }

    private void loseTheJobManager() throws Exception {
        up().requireSuccess();
        assertEveryPortOnLoopback();
        String job1 = onlyActiveJob();
        awaitAllTasksRunning(job1);

        // Four windows of events (all at once; the last window stays open). Once the first windows are committed and
        // a checkpoint after that has committed the Kafka offsets of everything read, the JobManager dies: the open
        // window's events are then only in the job's state, which a fresh job, starting from those offsets, lacks.
        Instant start = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
        Path manifest1 = stack.home.resolve("manifest-1.json");
        stack.run(Duration.ofMinutes(3), stack.generatorCommand(start, 4000, manifest1, "0.05", "0.02", "0")).requireSuccess();
        Manifest first = Manifest.read(manifest1);
        await("the first windows of run 1 committed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> !stack.windowRows(first.openWindowStart()).isEmpty());
        int checkpoints = stack.completedCheckpoints(job1);
        await("a checkpoint after that").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> stack.completedCheckpoints(job1) > checkpoints);
        assertThat(stack.windowRows(Instant.parse("9999-01-01T00:00:00Z")))
                .as("rows of the open window %s before the JobManager dies", first.openWindowStart())
                .doesNotContainKeys(first.windows().keySet().stream()
                        .filter(key -> key.windowStart().equals(first.openWindowStart())).toArray(WindowKey[]::new));
        LocalStack.kill(stack.pid("jobmanager"));

        // `up` again: it starts a JobManager and resumes the job from its latest retained checkpoint.
        LocalStack.Result up = up().requireSuccess();
        Matcher resumed = RESUMING.matcher(up.output());
        assertThat(resumed.find()).as("bin/pipeline up says it resumes the job:\n%s", up.output()).isTrue();
        assertThat(resumed.group(1)).isEqualTo(job1);
        assertThat(resumed.group(2)).startsWith(stack.home.resolve("checkpoints").resolve(job1).resolve("chk-").toString());
        String job2 = onlyActiveJob();
        assertThat(job2).isNotEqualTo(job1);
        awaitAllTasksRunning(job2);

        // Event time moves past every window of run 1; each is exact, including those open when the JobManager died.
        Instant pushStart = first.openWindowStart().plus(LocalStack.WINDOW.multipliedBy(3));
        stack.run(Duration.ofMinutes(3), stack.generatorCommand(pushStart, 1500, stack.home.resolve("manifest-2.json"),
                "0", "0", "0")).requireSuccess();
        Map<WindowKey, Totals> expected = first.windows();
        assertThat(expected).as("windows of run 1: 4000 events at 100 per second of event time, 20 products")
                .hasSize(4 * 20);
        await("every window of run 1 exact in product_window_stats").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(stack.windowRows(pushStart)).isEqualTo(expected));
    }

    private void crashTheDatabase() throws Exception {
        String job = onlyActiveJob();
        LocalStack.kill(postmasterPid());
        assertThat(stack.run(Duration.ofMinutes(1), "bin/pipeline", "status").output())
                .as("status after PostgreSQL crashed under its launcher").containsPattern("postgres +stuck");

        LocalStack.Result up = up().requireSuccess();
        assertThat(up.output()).as("up restarts the crashed PostgreSQL").contains("Starting PostgreSQL")
                .doesNotContain("PostgreSQL already running");
        assertThat(stack.run(Duration.ofMinutes(1), "bin/pipeline", "status").output()).containsPattern("postgres +up ");
        assertThat(onlyActiveJob()).as("the job rode the outage out").isEqualTo(job);
        int checkpoints = stack.completedCheckpoints(job);
        await("the job checkpoints (commits to the database) again").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> stack.allTasksRunning(job) && stack.completedCheckpoints(job) > checkpoints);
    }

    private void killATaskManagerAndStop() throws Exception {
        LocalStack.kill(stack.pid("taskmanager-1"));
        Path tmp = stack.home.resolve("tmp");
        assertThat(entries(tmp)).as("what the killed TaskManager left in %s", tmp).isNotEmpty();
        stack.run(Duration.ofMinutes(4), "bin/pipeline", "down").requireSuccess();
        assertThat(entries(tmp)).as("%s after down", tmp).isEmpty();
        assertThat(stack.run(Duration.ofMinutes(1), "bin/pipeline", "status").output()).doesNotContain(" up ");
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private LocalStack.Result up() throws Exception {
        return stack.run(Duration.ofMinutes(5), JOB_SETTINGS, "bin/pipeline", "up", "--detach", "--no-generator");
    }

    private String onlyActiveJob() throws Exception {
        List<String> jobs = stack.activeJobs();
        assertThat(jobs).as("active jobs").hasSize(1);
        return jobs.get(0);
    }

    private void awaitAllTasksRunning(String jobId) {
        await("job " + jobId + " running").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> stack.allTasksRunning(jobId));
    }

    /**
     * Every socket a process of the stack listens on is bound to loopback: the components' processes, their children,
     * and PostgreSQL's server (pg_ctl detaches it from its launcher).
     */
    private void assertEveryPortOnLoopback() throws Exception {
        Set<Long> pids = new TreeSet<>();
        try (Stream<Path> pidFiles = Files.list(stack.home.resolve("run"))) {
            for (Path file : pidFiles.filter(f -> f.toString().endsWith(".pid")).toList()) {
                long pid = Long.parseLong(Files.readString(file).strip());
                pids.add(pid);
                ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(child -> pids.add(child.pid())));
            }
        }
        pids.add(postmasterPid());
        List<ListeningSockets.Socket> sockets = ListeningSockets.ofProcesses(pids);
        // Kafka 2, registry 1, PostgreSQL 1, JobManager 4 (REST, RPC, blob server, metrics), TaskManager 3 or more
        assertThat(sockets).as("listening sockets of the processes %s", pids).hasSizeGreaterThanOrEqualTo(11)
                .allMatch(ListeningSockets.Socket::loopback);
    }

    private long postmasterPid() throws Exception {
        return Long.parseLong(Files.readAllLines(stack.home.resolve("postgres/postmaster.pid")).get(0).strip());
    }

    private static List<Path> entries(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
