package io.trendstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trendstream.cluster.Manifest.Totals;
import io.trendstream.cluster.Manifest.WindowKey;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault suite of issue 10: the real local stack (Kafka, registry, PostgreSQL, a Flink session cluster from the Maven
 * jars, started and repaired with {@code bin/pipeline}, the job operated with {@code bin/flink}) takes one fault after
 * another while the generator streams events into it, and after each scenario the results must be exactly what the
 * generator's manifests say:
 *
 * <ul>
 *   <li>every closed window in {@code product_window_stats} equal to the manifests (duplicates counted once);
 *   <li>every event sent far too late in {@code late_events}, and nothing else there;
 *   <li>every malformed or hostile record in the dead-letter topic exactly once, with the reason the generator expects;
 *   <li>no trend alert committed twice to Kafka, and as many in {@code trend_alerts};
 *   <li>no prepared transaction left after a stop; and in the flood, which injects no fault, not one restart.
 * </ul>
 *
 * <p>Scenarios ({@link FaultScenario}): a hostile-input flood, TaskManager kills, a database outage, a broker kill and
 * restart, the loss of the JobManager (resumed by {@code bin/pipeline up} from the latest retained checkpoint), and a
 * stop with savepoint restored at the other parallelism. Each measures its recovery ({@link Recovery}); the results go
 * to {@code cluster/target/fault-suite/results.{json,md}}. {@code -Dfaults.size=ci|full} and
 * {@code -Dfaults.scenarios=name,...} choose ({@code bin/faults} sets them); {@code mvn verify} runs every scenario
 * at the CI size. The stack also has to keep its own promises: every port on loopback, {@code status} reporting a
 * crashed database as {@code stuck}, and {@code down} leaving no working directory of a killed TaskManager behind.
 *
 * <p>Event time: 10 s windows, 5 s allowed lateness, 2 s out-of-orderness, a checkpoint every 2 s. Each scenario's
 * load runs at a fixed rate with event time following the wall clock (30 minutes behind it), starting a whole window
 * after the previous run; a fast run after it pushes event time past the load's windows.
 */
class FaultSuiteITCase {

    private static final Duration WINDOW = LocalStack.WINDOW;
    private static final Instant END_OF_TIME = Instant.parse("9999-01-01T00:00:00Z");
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");
    private static final Pattern RESUMING = Pattern.compile("Resuming job ([0-9a-f]{32}).* from its latest retained state: (\\S+)");
    /** How long a step may take on a loaded machine (the build machine is shared): generous, as every await ends early. */
    private static final Duration PATIENCE = Duration.ofMinutes(6);
    /** Lists every dead letter committed so far. */
    private static final String[] LIST_DEAD_LETTERS = {"bin/pipeline", "dlq", "--max", "10000000"};

    private static final FaultSuiteSize SIZE = FaultSuiteSize.of(System.getProperty(FaultSuiteSize.PROPERTY, "ci"));
    private static final Set<FaultScenario> SCENARIOS = FaultScenario.select(System.getProperty(FaultScenario.PROPERTY));

    private static LocalStack stack;
    private static FaultSuiteResults results;
    private static boolean passed;

    // The oracle: everything every generator run of the suite sent, and what the job must have made of it.
    private final Map<WindowKey, Totals> expectedWindows = new TreeMap<>();
    private final Set<String> expectedLate = new TreeSet<>();
    private final Map<String, Long> expectedDeadLetters = new TreeMap<>();
    /** Event time of the next generator run: a whole window after the previous run's last window. */
    private Instant cursor = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
    private int runs;

    @BeforeAll
    static void startStack() throws Exception {
        // Every await asks at once: most conditions hold by the time they are asked, and Awaitility would otherwise
        // wait a whole poll interval first (seconds per scenario).
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        stack = LocalStack.ofBuiltCheckout();
        stack.env.putAll(jobSettings());
        results = new FaultSuiteResults(stack.root.resolve("cluster/target/fault-suite"), SIZE);
    }

    @AfterAll
    static void stopStack() throws Exception {
        Awaitility.reset();
        if (stack == null) {
            return;
        }
        LocalStack.Result down = stack.run(Duration.ofMinutes(4), "bin/pipeline", "down");
        assertThat(down.exitCode()).as("bin/pipeline down:\n%s", down.output()).isZero();
        assertThat(stack.run(Duration.ofMinutes(1), "bin/pipeline", "status").output())
                .as("nothing of the stack survives down").doesNotContain(" up ");
        // Also those of killed TaskManagers, which cannot clean up after themselves.
        assertThat(entries(stack.home.resolve("tmp"))).as("Flink working directories after down").isEmpty();
        if (passed) {
            LocalStack.deleteRecursively(stack.home); // kept after a failure, for its logs and data
        }
    }

    /** The job's settings, through the environment of `up` and `bin/flink run` (TRENDSTREAM_KEY). */
    private static Map<String, String> jobSettings() {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "TRENDSTREAM_WINDOW_SIZE", "10 s",
                "TRENDSTREAM_WINDOW_ALLOWED_LATENESS", "5 s",
                "TRENDSTREAM_WATERMARK_OUT_OF_ORDERNESS", "2 s",
                "TRENDSTREAM_CHECKPOINT_INTERVAL", "2 s"));
        settings.putAll(SIZE.restartSettings());
        return settings;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.MINUTES)
    void everyScenarioEndsWithExactlyTheManifestsResults() throws Throwable {
        try {
            start();
            for (FaultScenario scenario : SCENARIOS) {
                run(scenario);
            }
            stopWithSavepointLeavesNoPreparedTransaction(currentJob());
            System.out.println(results.markdown());
            passed = true;
        } catch (Throwable failure) {
            throw new AssertionError(failure.getMessage() + "\n\nComponent logs:" + stack.logTails(60), failure);
        }
    }

    // ---------------------------------------------------------------------------------------------- the suite

    /** `up` starts the stack and submits the job; a first run gives it a watermark, so that late events are late. */
    private void start() throws Exception {
        up();
        assertEveryPortOnLoopback();
        String job = currentJob();
        awaitAllTasksRunning(job);
        Manifest first = generate(1500, "0", 0.0, 0.0);
        await("the first windows committed").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> !stack.windowRows(first.openWindowStart()).isEmpty());
        theGatewaysQueryApiAnswersFromTheDatabase();
    }

    /** `up` also starts the gateway, whose query API reads the committed windows as the read-only role of sql/007. */
    private void theGatewaysQueryApiAnswersFromTheDatabase() throws Exception {
        HttpResponse<String> latest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(stack.gateway() + "/api/v1/top-products?window_start=latest&limit=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(latest.statusCode()).as("the gateway's query API: %s", latest.body()).isEqualTo(200);
        assertThat(latest.body()).contains("\"product_id\"");
    }

    private void run(FaultScenario scenario) throws Exception {
        Instant began = Instant.now();
        String job = currentJob();
        long restartsBefore = stack.restarts(job);
        List<Recovery> recoveries = new ArrayList<>();
        try {
            if (scenario == FaultScenario.JOBMANAGER_LOSS && !job.equals(stack.rememberedJob())) {
                // As an operator's stack: `up` remembers the job it runs (the one it submitted or found running), which
                // a job restored by hand is not until `up` has run again. Before the load, so that the JobManager dies
                // while the load streams (on a slow machine the load had ended by then: no rows to recover, a timeout).
                up();
            }
            Path manifestFile = stack.home.resolve(String.format("manifest-%02d-%s.json", ++runs, scenario.id));
            double hostile = scenario == FaultScenario.FLOOD ? SIZE.hostileShare() : 0.001;
            Process load = stack.start(Map.of(), generatorCommand(cursor, SIZE.loadEvents(scenario), manifestFile,
                    String.valueOf(SIZE.loadRate()), 0.01, hostile));
            await("the load of " + scenario.id + " streams (its first progress line)").atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        if (!load.isAlive()) {
                            throw new AssertionError("the generator ended before the fault:\n" + stack.output(load));
                        }
                        return stack.output(load).contains("[generator] sent");
                    });
            int checkpoints = stack.completedCheckpoints(job);
            await("a checkpoint while the load of " + scenario.id + " streams in").atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> stack.completedCheckpoints(job) > checkpoints);
            assertThat(load.isAlive()).as("the generator still streams when the fault is injected").isTrue();

            switch (scenario) {
                case FLOOD -> { }
                case TASKMANAGER_KILLS -> {
                    for (int kill = 1; kill <= SIZE.taskManagerKills(); kill++) {
                        recoveries.add(killTheTaskManager(kill));
                    }
                }
                case DATABASE_OUTAGE -> recoveries.add(databaseOutage());
                case BROKER_RESTART -> recoveries.add(restartTheBroker());
                case JOBMANAGER_LOSS -> recoveries.add(loseTheJobManager());
                case RESCALE -> recoveries.add(rescale());
            }

            assertThat(load.waitFor(SIZE.loadEvents(scenario) / SIZE.loadRate() + 300, TimeUnit.SECONDS))
                    .as("the load of %s finished", scenario.id).isTrue();
            assertThat(load.exitValue()).as("the generator under %s:\n%s", scenario.id, stack.output(load)).isZero();
            Manifest sent = expect(Manifest.read(manifestFile));
            cursor = sent.openWindowStart().plus(WINDOW.multipliedBy(2));

            Outcome outcome = assertExactResults(sent);
            String jobAfter = currentJob(); // a new one after the JobManager's loss or a restore
            long restarts = jobAfter.equals(job) ? stack.restarts(job) - restartsBefore : stack.restarts(jobAfter);
            if (scenario == FaultScenario.FLOOD) {
                assertThat(restarts).as("restarts in the flood: no input may fail the job").isZero();
            }
            results.add(new FaultSuiteResults.Scenario(scenario.id, true, null, Duration.between(began, Instant.now()),
                    restarts, outcome.windows, outcome.late,
                    outcome.deadLetters, outcome.alerts, recoveries));
        } catch (Throwable failure) {
            results.add(new FaultSuiteResults.Scenario(scenario.id, false, String.valueOf(failure.getMessage()),
                    Duration.between(began, Instant.now()), 0, 0, 0, 0, 0, recoveries));
            throw failure;
        }
    }

    private record Outcome(int windows, int late, long deadLetters, int alerts) {}

    /**
     * Pushes event time past the load's windows, then checks everything sent so far against the manifests. The push
     * run's own windows are checked by the next scenario (their events are in the oracle from now on).
     */
    private Outcome assertExactResults(Manifest load) throws Exception {
        // Listing the dead letters takes seconds (a JVM of its own): a first listing runs meanwhile, and another one
        // only if the job had not committed every dead letter of the load by then.
        Process firstListing = stack.start(Map.of(), LIST_DEAD_LETTERS);
        Instant checkedBefore = cursor.plus(WINDOW); // the push run's windows start here
        cursor = checkedBefore;
        generate(1500, "0", 0.0, 0.0);
        Map<WindowKey, Totals> expected = new TreeMap<>(expectedWindows.entrySet().stream()
                .filter(e -> e.getKey().windowStart().isBefore(checkedBefore))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(load.windows()).as("windows of the load").isNotEmpty();
        await("every closed window exact in product_window_stats").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(stack.windowRows(checkedBefore)).isEqualTo(expected));

        await("every late event in late_events").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(lateEventIds()).isEqualTo(expectedLate));

        long malformed = expectedDeadLetters.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> expectedByReason = new TreeMap<>(expectedDeadLetters);
        expectedByReason.values().removeIf(n -> n == 0);
        DeadLetterListing[] listing = {deadLetters(firstListing)};
        if (listing[0].total() < malformed) {
            await("every malformed record in the dead-letter topic").atMost(PATIENCE).pollInterval(Duration.ofSeconds(2))
                    .until(() -> (listing[0] = deadLetters()).total() >= malformed);
        }
        assertThat(listing[0].listedTwice()).as("source records with more than one dead letter").isEmpty();
        assertThat(listing[0].byReason()).as("dead letters by reason").isEqualTo(expectedByReason);

        List<TrendAlertsTopic.AlertKey> alerts = TrendAlertsTopic.read(stack.kafka());
        assertThat(alerts).as("trend alerts committed to Kafka").doesNotHaveDuplicates();
        await("trend_alerts holds every alert of the topic").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> stack.count("SELECT count(*) FROM trend_alerts") == TrendAlertsTopic.read(stack.kafka()).size());
        return new Outcome(expected.size(), expectedLate.size(), malformed, alerts.size());
    }

    // ---------------------------------------------------------------------------------------------- faults

    private Recovery killTheTaskManager(int kill) throws Exception {
        String job = currentJob();
        long restarts = stack.restarts(job);
        long rows = rowProgress();
        List<String> taskManagers = stack.liveTaskManagers();
        assertThat(taskManagers).as("live TaskManagers").hasSize(1);
        Instant injected = Instant.now();
        LocalStack.kill(stack.pid(taskManagers.get(0)));
        stack.run(PATIENCE, "bin/pipeline", "taskmanager", "start").requireSuccess();
        Instant repaired = Instant.now();
        return measure("TaskManager SIGKILL " + kill, injected, repaired, job, restarts, true, rows);
    }

    /** PostgreSQL's server dies under load and stays down; the job retries until `up` has restarted it, and resumes. */
    private Recovery databaseOutage() throws Exception {
        String job = currentJob();
        long restarts = stack.restarts(job);
        long rows = rowProgress();
        Instant injected = Instant.now();
        LocalStack.kill(stack.postmasterPid());
        assertThat(stack.run(Duration.ofMinutes(1), "bin/pipeline", "status").output())
                .as("status after PostgreSQL crashed under its launcher").containsPattern("postgres +stuck");
        await("the outage lasts " + SIZE.databaseOutage() + " and the job notices it")
                .atMost(SIZE.databaseOutage().plus(PATIENCE)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> Duration.between(injected, Instant.now()).compareTo(SIZE.databaseOutage()) >= 0
                        && stack.restarts(job) > restarts);
        LocalStack.Result up = up();
        assertThat(up.output()).as("up restarts the crashed PostgreSQL").contains("Starting PostgreSQL")
                .doesNotContain("PostgreSQL already running");
        Instant repaired = Instant.now();
        assertThat(currentJob()).as("the job rode the outage out").isEqualTo(job);
        return measure("PostgreSQL down " + SIZE.databaseOutage().toSeconds() + " s", injected, repaired, job, restarts, true,
                rows);
    }

    private Recovery restartTheBroker() throws Exception {
        String job = currentJob();
        long restarts = stack.restarts(job);
        long rows = rowProgress();
        Instant injected = Instant.now();
        LocalStack.kill(stack.pid("kafka"));
        assertThat(up().output()).as("up restarts the broker").doesNotContain("Kafka already running");
        Instant repaired = Instant.now();
        assertThat(currentJob()).as("the job rode the broker's restart out").isEqualTo(job);
        // The job may reconnect without a restart: running again is then immediate.
        return measure("Kafka broker SIGKILL", injected, repaired, job, restarts, false, rows);
    }

    /** No JobManager HA locally: `up` starts a new JobManager and resumes the job from its latest retained checkpoint. */
    private Recovery loseTheJobManager() throws Exception {
        String job = currentJob();
        long rows = rowProgress();
        Instant injected = Instant.now();
        LocalStack.kill(stack.pid("jobmanager"));
        LocalStack.Result up = up();
        Instant repaired = Instant.now();
        Matcher resumed = RESUMING.matcher(up.output());
        assertThat(resumed.find()).as("bin/pipeline up says it resumes the job:\n%s", up.output()).isTrue();
        assertThat(resumed.group(1)).isEqualTo(job);
        assertThat(resumed.group(2)).startsWith(stack.home.resolve("checkpoints").resolve(job).resolve("chk-").toString());
        String resumedJob = currentJob();
        assertThat(resumedJob).isNotEqualTo(job);
        return measure("JobManager SIGKILL", injected, repaired, resumedJob, 0, false, rows);
    }

    /** Stop with a savepoint under load (no prepared transaction may stay), restore at the other parallelism. */
    private Recovery rescale() throws Exception {
        String job = currentJob();
        int parallelism = stack.vertexParallelism(job).get(0) == 1 ? 2 : 1;
        long rows = rowProgress();
        Instant injected = Instant.now();
        String savepoint = stopWithSavepointLeavesNoPreparedTransaction(job);
        String restored = submit("-s", savepoint, "-p", String.valueOf(parallelism));
        Instant repaired = Instant.now();
        Recovery recovery = measure("stop with savepoint, restore at p" + parallelism, injected, repaired, restored, 0, false,
                rows);
        assertThat(stack.vertexParallelism(restored)).as("parallelism after restoring with -p %d", parallelism)
                .containsOnly(parallelism);
        return recovery;
    }

    /**
     * Waits for the milestones of a recovery, polling: all tasks of {@code job} running (after a restart, if it
     * {@code restarts}), a checkpoint triggered after the injection completed, the database's rows
     * changed. Each is timed from the injection.
     */
    private Recovery measure(String fault, Instant injected, Instant repaired, String job, long restartsBefore,
            boolean restarts, long rowsBefore) {
        Instant[] running = new Instant[1];
        Instant[] checkpoint = new Instant[1];
        Instant[] rows = new Instant[1];
        try {
            await("recovery from " + fault).atMost(SIZE.databaseOutage().plus(PATIENCE)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    Instant now = Instant.now();
                    if (running[0] == null && stack.allTasksRunning(job)
                            && (!restarts || stack.restarts(job) > restartsBefore)) {
                        running[0] = now;
                    }
                    if (checkpoint[0] == null && stack.latestCheckpointTriggered(job).isAfter(injected)) {
                        checkpoint[0] = now;
                    }
                    if (rows[0] == null && rowProgress() > rowsBefore) {
                        rows[0] = now;
                    }
                    return running[0] != null && checkpoint[0] != null && rows[0] != null;
                });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + " Injected at " + injected + "; all tasks running at " + running[0]
                    + ", a checkpoint after the fault at " + checkpoint[0] + ", rows flowing at " + rows[0], e);
        }
        return new Recovery(fault, injected, repaired, Duration.between(injected, running[0]),
                Duration.between(injected, checkpoint[0]), Duration.between(injected, rows[0]),
                restarts(job) - restartsBefore);
    }

    // ---------------------------------------------------------------------------------------------- steps

    private LocalStack.Result up() throws Exception {
        return stack.run(Duration.ofMinutes(10), "bin/pipeline", "up", "--detach", "--no-generator").requireSuccess();
    }

    /** `bin/flink run` as the runbook says, with the stack's addresses (and the job's settings in the environment). */
    private String submit(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/flink", "run", "-d"));
        command.addAll(List.of(options));
        command.addAll(List.of("jobs/target/trendstream-job.jar",
                "--kafka.bootstrap-servers", stack.kafka(),
                "--schema-registry.url", stack.registry(),
                "--jdbc.url", stack.jdbcUrl(),
                "--jdbc.user", "trendstream"));
        LocalStack.Result result = stack.run(PATIENCE,
                Map.of("TRENDSTREAM_JDBC_PASSWORD", stack.databasePassword()), command.toArray(String[]::new));
        result.requireSuccess();
        Matcher id = JOB_ID.matcher(result.output());
        assertThat(id.find()).as("job id in:\n%s", result.output()).isTrue();
        return id.group(1);
    }

    private String stopWithSavepointLeavesNoPreparedTransaction(String job) throws Exception {
        LocalStack.Result result = stack.run(PATIENCE, "bin/flink", "stop", "--savepointPath",
                stack.home.resolve("savepoints").toString(), job).requireSuccess();
        Matcher path = SAVEPOINT.matcher(result.output());
        assertThat(path.find()).as("savepoint path in:\n%s", result.output()).isTrue();
        await("job " + job + " finished").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> stack.jobState(job).equals("FINISHED"));
        assertThat(stack.count("SELECT count(*) FROM pg_prepared_xacts")).as("prepared transactions after the stop").isZero();
        return path.group(1);
    }

    /** A generator run at {@link #cursor}; its manifest joins the oracle, and the cursor moves past it. */
    private Manifest generate(int count, String rate, double malformedShare, double hostileShare) throws Exception {
        Path manifestFile = stack.home.resolve(String.format("manifest-%02d.json", ++runs));
        stack.run(PATIENCE, generatorCommand(cursor, count, manifestFile, rate, malformedShare, hostileShare))
                .requireSuccess();
        Manifest sent = expect(Manifest.read(manifestFile));
        cursor = sent.openWindowStart().plus(WINDOW.multipliedBy(2));
        return sent;
    }

    /**
     * The generator with 20 products; a load (malformed records) also has duplicates, late events (the job has a
     * watermark by then) and a spike of p3 in its second window, which raises alerts.
     */
    private String[] generatorCommand(Instant start, int count, Path manifest, String rate, double malformedShare,
            double hostileShare) {
        boolean load = malformedShare > 0;
        List<String> options = new ArrayList<>(List.of("--hostile-share", String.valueOf(hostileShare),
                "--late-share", load ? "0.005" : "0", "--late-warmup-events", "0"));
        if (load) {
            options.addAll(List.of("--spike", "p3:1:4"));
        }
        return stack.generatorCommand(start, count, manifest, load ? "0.02" : "0", String.valueOf(malformedShare), rate,
                options.toArray(String[]::new));
    }

    private Manifest expect(Manifest sent) {
        sent.windows().forEach((key, totals) -> assertThat(expectedWindows.put(key, totals)).as("window %s in two runs", key).isNull());
        expectedLate.addAll(sent.lateEventIds());
        sent.malformedByReason().forEach((reason, n) -> expectedDeadLetters.merge(reason, n, Long::sum));
        return sent;
    }

    // ---------------------------------------------------------------------------------------------- observations

    private String currentJob() throws Exception {
        List<String> jobs = stack.activeJobs();
        assertThat(jobs).as("active jobs").hasSize(1);
        return jobs.get(0);
    }

    private long restarts(String job) {
        try {
            return stack.restarts(job);
        } catch (Exception e) {
            throw new AssertionError("numRestarts of " + job, e);
        }
    }

    private void awaitAllTasksRunning(String job) {
        await("job " + job + " running").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> stack.allTasksRunning(job));
    }

    /** Grows with every window row written or updated with more events. */
    private long rowProgress() throws Exception {
        return stack.count("SELECT count(*) + coalesce(sum(orders + views), 0) FROM product_window_stats");
    }

    private Set<String> lateEventIds() throws Exception {
        Set<String> ids = new TreeSet<>();
        try (var db = stack.connectToDatabase(); var st = db.createStatement();
                var rs = st.executeQuery("SELECT DISTINCT event_id FROM late_events")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private DeadLetterListing deadLetters() throws Exception {
        return deadLetters(stack.start(Map.of(), LIST_DEAD_LETTERS));
    }

    private DeadLetterListing deadLetters(Process listing) throws Exception {
        return DeadLetterListing.parse(stack.finish(listing, PATIENCE).requireSuccess().output());
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
        pids.add(stack.postmasterPid());
        List<ListeningSockets.Socket> sockets = ListeningSockets.ofProcesses(pids);
        // Kafka 2, registry 1, PostgreSQL 1, JobManager 4 (REST, RPC, blob server, metrics), TaskManager 3 or more
        assertThat(sockets).as("listening sockets of the processes %s", pids).hasSizeGreaterThanOrEqualTo(11)
                .allMatch(ListeningSockets.Socket::loopback);
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
