package io.trendstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session cluster outlives many jobs: submitting and stopping the job again and again must not leave its classes
 * behind. Each submission loads the job jar's classes (about 3,000) into a class loader of its own on the
 * TaskManager; when the job stops, nothing may keep that loader reachable, or Metaspace fills up after some tens of
 * submissions (OutOfMemoryError: Metaspace). The test runs the job twice on one cluster, each time through every
 * stage and into the database, stops it with a savepoint, and then asks the TaskManager's JVM ({@code jcmd
 * VM.classloader_stats} after {@code jcmd GC.run}) for the job class loaders it still holds: not one per job. Two runs
 * suffice: the most recent job's loader may stay until the next job runs, so it is the first job's that must be gone.
 */
class ClassLoaderReleaseITCase {

    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern JOB_CLASS_LOADER = Pattern.compile("org\\.apache\\.flink\\.util\\.ChildFirstClassLoader");
    private static final int SUBMISSIONS = 2;

    private static LocalStack stack;
    private static boolean passed;

    @BeforeAll
    static void startCluster() throws Exception {
        // Every await asks at once: Awaitility would otherwise wait a whole poll interval first.
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        stack = LocalStack.ofBuiltCheckout();
        stack.run(Duration.ofMinutes(5), "bin/pipeline", "up", "--detach", "--no-job").requireSuccess();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Awaitility.reset();
        if (stack != null) {
            LocalStack.Result down = stack.run(Duration.ofMinutes(4), "bin/pipeline", "down");
            assertThat(down.exitCode()).as("bin/pipeline down:\n%s", down.output()).isZero();
            if (passed) {
                LocalStack.deleteRecursively(stack.home);
            }
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void stoppedJobsLeaveNoClassLoaderBehindOnTheTaskManager() throws Throwable {
        try {
            runAndStopTheJobRepeatedly();
            passed = true;
        } catch (Throwable failure) {
            throw new AssertionError(failure.getMessage() + "\n\nComponent logs:" + stack.logTails(40), failure);
        }
    }

    private void runAndStopTheJobRepeatedly() throws Exception {
        long taskManager = stack.pid("taskmanager-1");
        Instant eventTime = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
        for (int run = 1; run <= SUBMISSIONS; run++) {
            String job = submit();
            await("job " + job + " running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> stack.allTasksRunning(job));
            assertThat(jobClassLoaders(taskManager)).as("job class loaders while job %d runs", run).isPositive();
            // Events through every stage, and windows into the database: the Kafka, registry and JDBC clients all work.
            long rowsBefore = stack.count("SELECT count(*) FROM product_window_stats");
            stack.run(Duration.ofMinutes(3), stack.generatorCommand(eventTime, 1500, stack.home.resolve("manifest-" + run + ".json"),
                    "0", "0.02", "0")).requireSuccess();
            eventTime = eventTime.plus(Duration.ofMinutes(1));
            await("windows of run " + run + " in the database").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> stack.count("SELECT count(*) FROM product_window_stats") > rowsBefore);
            stack.run(Duration.ofMinutes(3), "bin/flink", "stop", "--savepointPath",
                    stack.home.resolve("savepoints").toString(), job).requireSuccess();
            await("job " + job + " finished").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> stack.jobState(job).equals("FINISHED"));
        }
        // Threads a job's clients started may linger briefly after it stops (connection cleaners, HTTP selectors).
        // What counts is that stopped jobs' classes do not pile up: with the driver loaded from the job jar, every
        // job's loader stayed (DriverManager held it). The most recent job's loader was seen to stay reachable until
        // the next job runs (not identified, see docs/local-stack.md); the loaders of the jobs before it must be gone.
        await("job class loaders left on the TaskManager after " + SUBMISSIONS + " jobs ran and stopped")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(jobClassLoaders(taskManager)).isLessThanOrEqualTo(1));
        System.out.printf("Job class loaders on the TaskManager after %d jobs: %d%n", SUBMISSIONS, jobClassLoaders(taskManager));
    }

    private String submit() throws Exception {
        LocalStack.Result result = stack.run(Duration.ofMinutes(3),
                Map.of("TRENDSTREAM_JDBC_PASSWORD", stack.databasePassword()),
                "bin/flink", "run", "-d", "jobs/target/trendstream-job.jar",
                "--kafka.bootstrap-servers", stack.kafka(),
                "--schema-registry.url", stack.registry(),
                "--jdbc.url", stack.jdbcUrl(),
                "--jdbc.user", "trendstream",
                "--window.size", "10 s",
                "--window.allowed-lateness", "5 s",
                "--watermark.out-of-orderness", "2 s",
                "--checkpoint.interval", "2 s").requireSuccess();
        Matcher id = JOB_ID.matcher(result.output());
        assertThat(id.find()).as("job id in:\n%s", result.output()).isTrue();
        return id.group(1);
    }

    /** Job class loaders alive in a JVM after a full GC: {@code jcmd GC.run}, then {@code jcmd VM.classloader_stats}. */
    private int jobClassLoaders(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String stats = jcmd(pid, "VM.classloader_stats");
        int loaders = 0;
        for (Matcher loader = JOB_CLASS_LOADER.matcher(stats); loader.find(); ) {
            loaders++;
        }
        return loaders;
    }

    /** The JDK's jcmd beside the java running this test (a JDK: Maven compiles with it). */
    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        assertThat(jcmd).as("jcmd of the JDK that runs the tests").isExecutable();
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("jcmd %s %s", pid, command).isTrue();
        assertThat(process.exitValue()).as("jcmd %s %s:\n%s", pid, command, output).isZero();
        return output;
    }
}
