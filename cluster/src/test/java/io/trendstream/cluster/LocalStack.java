package io.trendstream.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.trendstream.cluster.Manifest.Totals;
import io.trendstream.cluster.Manifest.WindowKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The local stack as a user drives it: {@code bin/pipeline} and {@code bin/flink} run as processes, with a private
 * {@code TRENDSTREAM_HOME} and free ports, so the test never meets a developer's own stack.
 */
final class LocalStack {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    final Path home;
    final Map<String, String> env = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger commands = new AtomicInteger();

    LocalStack(Path root) throws IOException {
        this.root = root;
        // In the temporary directory (/tmp), which the OS user `postgres` can reach wherever the checkout is: PostgreSQL
        // runs as that user when the test runs as root. Kept after a failure, for its logs.
        this.home = Files.createTempDirectory("trendstream-ops-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("TRENDSTREAM_HOME", home.toString());
        env.put("TRENDSTREAM_SAVEPOINT_DIR", home.resolve("savepoints").toString());
        env.put("TRENDSTREAM_SKIP_BUILD", "true"); // the reactor has just built the jars
        List<String> portVariables = List.of("TRENDSTREAM_KAFKA_PORT", "TRENDSTREAM_KAFKA_CONTROLLER_PORT",
                "TRENDSTREAM_REGISTRY_PORT", "TRENDSTREAM_PG_PORT", "TRENDSTREAM_FLINK_PORT", "TRENDSTREAM_FLINK_RPC_PORT",
                "TRENDSTREAM_GATEWAY_PORT");
        List<Integer> ports = freePorts(portVariables.size());
        for (int i = 0; i < portVariables.size(); i++) {
            env.put(portVariables.get(i), String.valueOf(ports.get(i)));
        }
    }

    /**
     * A stack of this checkout, whose jars the reactor has built before this module's tests: their absence is a broken
     * build, never a reason to skip (a skipped test would let CI pass unchecked).
     */
    static LocalStack ofBuiltCheckout() throws IOException {
        Path root = locateRoot();
        for (String artifact : List.of("jobs/target/trendstream-job.jar", "generator/target/generator.jar",
                "cluster/target/lib", "tools/target/lib")) {
            if (!Files.exists(root.resolve(artifact))) {
                throw new AssertionError(root.resolve(artifact) + " is missing: `mvn package` builds it (the reactor builds"
                        + " it before this test)");
            }
        }
        return new LocalStack(root);
    }

    /** The repository root: the parent of this module's directory, where bin/pipeline lives. */
    static Path locateRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("bin/pipeline"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("bin/pipeline not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    String port(String variable) {
        return env.get(variable);
    }

    String kafka() {
        return "localhost:" + port("TRENDSTREAM_KAFKA_PORT");
    }

    String registry() {
        return "http://localhost:" + port("TRENDSTREAM_REGISTRY_PORT");
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port("TRENDSTREAM_PG_PORT") + "/trendstream";
    }

    String gateway() {
        return "http://localhost:" + port("TRENDSTREAM_GATEWAY_PORT");
    }

    String dashboard() {
        return "http://localhost:" + port("TRENDSTREAM_FLINK_PORT");
    }

    String databasePassword() throws IOException {
        return Files.readString(home.resolve("secrets/jdbc-password")).strip();
    }

    // ------------------------------------------------------------------------------------------ commands

    /** What a finished command printed (stdout and stderr together) and its exit code. */
    record Result(List<String> command, int exitCode, String output) {
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    /** Runs {@code bin/...} from the repository root and waits for it, at most {@code timeout}. */
    Result run(Duration timeout, Map<String, String> extraEnv, String... command) throws IOException, InterruptedException {
        return finish(start(extraEnv, command), timeout);
    }

    /** Waits for a command {@link #start started} in the background to finish, at most {@code timeout}. */
    Result finish(Process process, Duration timeout) throws IOException, InterruptedException {
        Started started = this.started.get(process);
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", started.command()) + " did not finish within " + timeout + ":\n"
                    + Files.readString(started.output()));
        }
        return new Result(started.command(), process.exitValue(), Files.readString(started.output()));
    }

    Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        return run(timeout, Map.of(), command);
    }

    private record Started(List<String> command, Path output) {}

    private final Map<Process, Started> started = new LinkedHashMap<>();

    /** Starts {@code bin/...} in the background; its output goes to a file under the test's home. */
    Process start(Map<String, String> extraEnv, String... command) throws IOException {
        Path output = home.resolve("test-commands").resolve(String.format("%02d-%s.txt", commands.incrementAndGet(),
                Path.of(command[0]).getFileName() + (command.length > 1 ? "-" + command[1] : "")));
        Files.createDirectories(output.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        started.put(process, new Started(List.of(command), output));
        return process;
    }

    String output(Process process) {
        try {
            return Files.readString(started.get(process).output());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ Flink REST

    JsonNode rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(dashboard() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    String jobState(String jobId) throws IOException, InterruptedException {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    /** RUNNING with every task running: the job consumes and can checkpoint. */
    boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = rest("/jobs/" + jobId);
        if (!job.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!vertex.path("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return true;
    }

    int completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return rest("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt();
    }

    /** When the latest completed checkpoint of the job was triggered; the epoch if none completed. */
    Instant latestCheckpointTriggered(String jobId) throws IOException, InterruptedException {
        JsonNode completed = rest("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        return Instant.ofEpochMilli(completed.path("trigger_timestamp").asLong(0));
    }

    /** How often the job restarted (its numRestarts metric). */
    long restarts(String jobId) throws IOException, InterruptedException {
        for (JsonNode metric : rest("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            return metric.path("value").asLong();
        }
        return 0;
    }

    /** Ids of the jobs that are neither finished, cancelled nor failed. */
    List<String> activeJobs() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : rest("/jobs/overview").path("jobs")) {
            if (!List.of("FINISHED", "CANCELED", "FAILED").contains(job.path("state").asText())) {
                ids.add(job.path("jid").asText());
            }
        }
        return ids;
    }

    List<Integer> vertexParallelism(String jobId) throws IOException, InterruptedException {
        List<Integer> parallelism = new ArrayList<>();
        for (JsonNode vertex : rest("/jobs/" + jobId).path("vertices")) {
            parallelism.add(vertex.path("parallelism").asInt());
        }
        return parallelism;
    }

    // ------------------------------------------------------------------------------------------ generator

    /** Windows of the generated traffic and of the job the tests submit (short, so a test takes minutes). */
    static final Duration WINDOW = Duration.ofSeconds(10);
    static final int EVENT_TIME_RATE = 100; // events per second of event time

    /**
     * {@code bin/pipeline generate} for 20 products and 200 users in 10 s windows, starting at {@code startTime};
     * {@code rate} events per second of wall-clock time (0: at once), and the manifest of what was sent.
     */
    String[] generatorCommand(Instant startTime, int count, Path manifest, String duplicateShare, String malformedShare,
            String rate, String... moreOptions) {
        return Stream.concat(Stream.of("bin/pipeline", "generate",
                "--count", String.valueOf(count),
                "--rate", rate,
                "--seed", String.valueOf(startTime.getEpochSecond()),
                "--products", "20",
                "--users", "200",
                "--window-size", WINDOW.toSeconds() + "s",
                "--events-per-second-of-event-time", String.valueOf(EVENT_TIME_RATE),
                "--start-time", startTime.toString(),
                "--late-share", "0",
                "--duplicate-share", duplicateShare,
                "--malformed-share", malformedShare,
                "--manifest", manifest.toString()), Stream.of(moreOptions)).toArray(String[]::new);
    }

    // ------------------------------------------------------------------------------------------ database

    Connection connectToDatabase() throws IOException, SQLException {
        return DriverManager.getConnection(jdbcUrl(), "trendstream", databasePassword());
    }

    /** product_window_stats rows of windows starting before {@code before}. */
    Map<WindowKey, Totals> windowRows(Instant before) throws IOException, SQLException {
        Map<WindowKey, Totals> rows = new TreeMap<>();
        try (Connection db = connectToDatabase(); PreparedStatement st = db.prepareStatement(
                "SELECT product_id, window_start, orders, units, revenue, views, distinct_users FROM product_window_stats"
                        + " WHERE window_start < ?")) {
            st.setTimestamp(1, Timestamp.from(before));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.put(new WindowKey(rs.getString(1), rs.getTimestamp(2).toInstant()),
                            new Totals(rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5), rs.getLong(6), rs.getLong(7)));
                }
            }
        }
        return rows;
    }

    long count(String sql) throws IOException, SQLException {
        try (Connection db = connectToDatabase(); Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------------------------------ processes

    /** The job a later {@code bin/pipeline up} resumes when it is not running: the one {@code up} submitted or found. */
    String rememberedJob() throws IOException {
        Path file = home.resolve("run/job");
        return Files.exists(file) ? Files.readString(file).strip() : "";
    }

    /** The pid a component's pid file names ({@code run/NAME.pid}). */
    long pid(String component) throws IOException {
        return Long.parseLong(Files.readString(home.resolve("run").resolve(component + ".pid")).strip());
    }

    /** The TaskManagers whose process is alive ({@code taskmanager-N}, by their pid files). */
    List<String> liveTaskManagers() throws IOException {
        List<String> live = new ArrayList<>();
        try (Stream<Path> files = Files.list(home.resolve("run"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("taskmanager-\\d+\\.pid")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".pid", "");
                if (ProcessHandle.of(pid(name)).map(ProcessHandle::isAlive).orElse(false)) {
                    live.add(name);
                }
            }
        }
        return live;
    }

    /** The PostgreSQL server's pid (pg_ctl detaches it from its launcher, whose pid is in run/postgres.pid). */
    long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0).strip());
    }

    /** SIGKILLs a process, as a crash or the OOM killer would, and waits until it is gone. */
    static void kill(long pid) throws Exception {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("process " + pid + " not running"));
        if (!process.destroyForcibly()) { // SIGKILL on Unix
            throw new AssertionError("could not SIGKILL " + pid);
        }
        process.onExit().get(30, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------------------------------ diagnostics

    /** The last lines of every component log and command output, for a failure message. */
    String logTails(int lines) {
        StringBuilder tails = new StringBuilder();
        for (Path dir : List.of(home.resolve("logs"), home.resolve("test-commands"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    List<String> all = Arrays.asList(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
                    tails.append("\n===== ").append(file).append(" (last ").append(lines).append(" lines) =====\n");
                    all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> tails.append(l).append('\n'));
                }
            } catch (IOException e) {
                tails.append("\n(could not read ").append(dir).append(": ").append(e).append(")\n");
            }
        }
        return tails.toString();
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * {@code count} distinct free ports. The sockets stay open until all are picked: a port picked and released at once
     * could be picked again for the next service (a CI run gave the registry and the gateway the same port).
     */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
