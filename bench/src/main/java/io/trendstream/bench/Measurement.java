package io.trendstream.bench;

import io.trendstream.generator.WindowCount;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Drives one variant to completion and measures it: polls records read, the closing watermark and the database
 * every {@link #POLL}, until every record is read and (for variants with output) every closed window's row is
 * visible, or the deadline passes. Then checks the rows against the manifest.
 *
 * <p>On a preloaded backlog the variant reads as fast as it can (its maximum throughput) and latency is measured
 * from the watermark passing a window's end. A time-boxed run ({@link #timeBoxed}) reads a backlog larger than it can
 * finish and ends after a fixed steady state, unverified: its throughput is measured over that time alone. On paced
 * input the generator starts writing once the variant is running, in real time, and latency is measured from the
 * window's end on the wall clock.
 */
final class Measurement {
    static final Duration POLL = Duration.ofMillis(250);
    /**
     * Paced input: a variant kept up if it had read everything this soon after the input's end (the generator commits
     * every 500 ms; Flink's sources pause for checkpoint alignment). One that falls behind builds a backlog that
     * grows with the run's length, so at 60 s+ runs it takes far longer to drain.
     */
    static final Duration KEPT_UP = Duration.ofSeconds(5);
    /** How often progress goes to stderr, so a slow or stuck variant shows while it runs. */
    private static final Duration PROGRESS = Duration.ofSeconds(10);
    /** The least CPU seconds per million events a thread group is reported with on its own. */
    static final double LEAST_REPORTED = 0.01;

    private final BenchStack stack;
    private final Dataset dataset;
    private final Duration checkpointInterval;
    private final ResourceSampler resources;
    /** Time-boxed runs: the steady state measured after {@link BenchOptions#THROUGHPUT_LEAD}; null = run to completion. */
    private final Duration timeBox;
    /** Heap runs: how often a full collection measures the live heap (and once more at the end); null = never. */
    private final Duration liveHeapEvery;

    Measurement(BenchStack stack, Dataset dataset, Duration checkpointInterval) {
        this(stack, dataset, checkpointInterval, null, null, VariantJvm.thisJvm());
    }

    private Measurement(BenchStack stack, Dataset dataset, Duration checkpointInterval, Duration timeBox,
                        Duration liveHeapEvery, VariantJvm jvm) {
        this.stack = stack;
        this.resources = new ResourceSampler(jvm);
        this.dataset = dataset;
        this.checkpointInterval = checkpointInterval;
        this.timeBox = timeBox;
        this.liveHeapEvery = liveHeapEvery;
        this.settle = Duration.ofSeconds(30).compareTo(checkpointInterval.multipliedBy(3)) > 0
                ? Duration.ofSeconds(30) : checkpointInterval.multipliedBy(3);
    }

    /**
     * Runs on {@code backlog} that end after {@code steady} of steady state (or when the backlog is read, which makes
     * the run short): for throughput over a long steady state, on a backlog too large for the slower variants to finish.
     */
    static Measurement timeBoxed(BenchStack stack, Dataset backlog, Duration checkpointInterval, Duration steady) {
        return new Measurement(stack, backlog, checkpointInterval, steady, null, VariantJvm.thisJvm());
    }

    /**
     * Runs to completion on {@code session} that measure the live heap of its JVM with a full collection every
     * {@code every} and once more before the variant stops: the heap check. Collections of their own were not enough:
     * a short run may see none (the faster pipeline read the 1x skewed backlog in 0.6 s without one, 2026-12-02), and
     * a young collection's figure includes old garbage. Not for speed: each collection stops the job for a moment.
     */
    static Measurement liveHeap(BenchStack stack, FlinkSession session, Dataset dataset, Duration checkpointInterval,
                                Duration every) {
        return new Measurement(stack, dataset, checkpointInterval, null, every, session.jvm());
    }

    /** The input column of a time-boxed run. */
    static final String TIME_BOXED = "backlog, time-boxed";

    /** How a variant's rows become final. */
    enum Mode {
        /** Each closed window's row is written once, final: its first appearance is its commit (latency measured). */
        FINAL_WHEN_CLOSED,
        /** Rows are updated as input arrives; final only after all input is processed (no latency). */
        FINAL_AFTER_INPUT
    }

    /**
     * After all input is read: how long outputs may still take to appear (the next checkpoint's commit) or to change
     * (pending batches) before the rows are judged as they are. At least three checkpoint intervals.
     */
    private final Duration settle;

    interface Starter {
        RunningVariant start() throws Exception;
    }

    VariantResult measure(String name, String description, int parallelism, Duration timeout, Starter starter) {
        return measure(name, description, parallelism, timeout, Duration.ZERO, Mode.FINAL_WHEN_CLOSED, starter);
    }

    /** @param emitDelay how long after its end (in event time) the variant emits a window: its grace, if it waits for it */
    VariantResult measure(String name, String description, int parallelism, Duration timeout, Duration emitDelay, Starter starter) {
        return measure(name, description, parallelism, timeout, emitDelay, Mode.FINAL_WHEN_CLOSED, starter);
    }

    VariantResult measure(String name, String description, int parallelism, Duration timeout, Duration emitDelay,
                          Mode mode, Starter starter) {
        boolean paced = dataset.pacedRate > 0;
        long wallStart = System.nanoTime();
        resources.start();
        CommitLatency latency = new CommitLatency();
        long firstWall = -1, firstRecords = 0, firstCpu = 0, lastWall = -1, lastRecords = 0, lastCpu = 0, inputEndWall = -1;
        boolean leadOver = timeBox == null, exhausted = false;
        ThreadCpu firstThreadCpu = ThreadCpu.NONE, lastThreadCpu = ThreadCpu.NONE;
        String status = "ok";
        Optional<FlinkRest.CheckpointStats> checkpoints = Optional.empty();
        ResultVerifier.Verdict verdict = null;
        Optional<String> notes = Optional.empty();
        Map<String, WindowCount> expected = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        long settleDeadline = -1;
        CompletableFuture<?> input = paced ? null : CompletableFuture.completedFuture(null);
        try (RunningVariant variant = starter.start()) {
            Optional<String> database = variant.database();
            try (Connection db = database.isPresent() ? stack.connect(database.get()) : null) {
                boolean allRead = false;
                long nextProgress = System.currentTimeMillis() + PROGRESS.toMillis();
                long nextLiveHeap = liveHeapEvery == null ? Long.MAX_VALUE : System.currentTimeMillis() + liveHeapEvery.toMillis();
                while (true) {
                    variant.checkAlive();
                    long now = System.currentTimeMillis();
                    if (now >= nextLiveHeap) {
                        resources.sampleLiveHeap();
                        nextLiveHeap = now + liveHeapEvery.toMillis();
                    } else {
                        resources.sample();
                    }
                    OptionalLong read = variant.recordsRead();
                    if (input == null && read.isPresent()) {
                        input = dataset.startPaced(); // the variant runs: input from now on, in real time
                        firstWall = now;
                        firstRecords = 0;
                        firstCpu = resources.cpuNanosNow();
                        firstThreadCpu = resources.variantThreadCpu();
                    }
                    if (input != null && input.isDone()) {
                        input.join(); // a generator failure ends the measurement here
                        if (inputEndWall < 0) {
                            inputEndWall = now;
                        }
                    }
                    if (expected == null && dataset.complete()) {
                        expected = dataset.closedWindows(emitDelay);
                    }
                    if (read.isPresent() && !allRead) {
                        if (firstWall < 0 && read.getAsLong() > 0) {
                            firstWall = now;
                            firstRecords = read.getAsLong();
                            firstCpu = resources.cpuNanosNow();
                            firstThreadCpu = resources.variantThreadCpu();
                        }
                        if (!leadOver && firstWall > 0 && now - firstWall >= BenchOptions.THROUGHPUT_LEAD.toMillis()) {
                            leadOver = true; // the steady state starts here
                            firstWall = now;
                            firstRecords = variant.recordsProcessed().orElse(read.getAsLong());
                            firstCpu = resources.cpuNanosNow();
                            firstThreadCpu = resources.variantThreadCpu();
                        }
                        if (dataset.complete() && read.getAsLong() >= dataset.totalRecords() && variant.drained()) {
                            allRead = true;
                            exhausted = timeBox != null;
                        }
                        if (allRead || leadOver && timeBox != null && now - firstWall >= timeBox.toMillis()) {
                            lastWall = now;
                            lastRecords = allRead ? dataset.totalRecords()
                                    : variant.recordsProcessed().orElse(read.getAsLong());
                            lastCpu = resources.cpuNanosNow();
                            lastThreadCpu = resources.variantThreadCpu();
                            if (timeBox != null) {
                                break; // a time-boxed run ends here: its rows are not compared
                            }
                        }
                    }
                    OptionalLong watermark = variant.closingWatermark();
                    if (watermark.isPresent()) {
                        latency.watermark(now, watermark.getAsLong());
                    }
                    if (db != null && timeBox == null) {
                        pollRows(db, latency, now);
                    }
                    Map<String, WindowCount> closed = expected;
                    boolean outputsDone = db == null || (closed != null && closed.keySet().stream().allMatch(latency::hasSeen));
                    if (allRead && settleDeadline < 0) {
                        settleDeadline = System.nanoTime() + settle.toNanos();
                    }
                    if (allRead && !outputsDone) {
                        variant.awaitingFinalRows(dataset);
                    }
                    if (allRead && !outputsDone && System.nanoTime() > settleDeadline) {
                        break; // rows still missing after all input was read and committed: judged as they are
                    }
                    if (allRead && outputsDone) {
                        if (db == null || mode == Mode.FINAL_WHEN_CLOSED) {
                            break;
                        }
                        // Updated rows: done once they equal the manifest, judged as they are after the settle time.
                        if (ResultVerifier.verify(closed, allRows(), ResultVerifier.readRows(db)).correct()
                                || System.nanoTime() > settleDeadline) {
                            break;
                        }
                    }
                    if (now >= nextProgress) {
                        nextProgress = now + PROGRESS.toMillis();
                        List<Long> live = resources.liveHeapBytes();
                        System.err.printf("[bench] %s p%d: %s of %s records read, watermark %s, %,d closed-window rows seen%s%n",
                                name, parallelism, read.isPresent() ? String.format("%,d", read.getAsLong()) : "?",
                                dataset.complete() ? String.format("%,d", dataset.totalRecords())
                                        : String.format("%,d written so far", dataset.recordsSent()),
                                watermark.isPresent() ? Instant.ofEpochMilli(watermark.getAsLong()) : "-",
                                latency.seenCount(), live.isEmpty() ? "" : ", live heap " + (live.get(live.size() - 1) >> 20) + " MiB");
                    }
                    if (System.nanoTime() > deadline) {
                        status = "timeout after " + timeout.toSeconds() + " s (records read: " + read + " of "
                                + (dataset.complete() ? dataset.totalRecords() : "?") + ", closed-window rows seen: "
                                + latency.seenCount() + ")";
                        break;
                    }
                    Thread.sleep(POLL.toMillis()); // the sampling period, not synchronisation: the loop polls conditions
                }
                if (liveHeapEvery != null) {
                    resources.sampleLiveHeap(); // the variant still runs and holds its state
                }
                checkpoints = variant.checkpoints();
                notes = variant.notes();
                if (db != null && expected != null && timeBox == null) {
                    verdict = ResultVerifier.verify(expected, allRows(), ResultVerifier.readRows(db));
                }
            }
        } catch (Exception e) {
            status = "failed: " + e;
            e.printStackTrace();
        }
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        boolean correct;
        String verification;
        List<String> mismatches = List.of();
        long totalRecords = dataset.totalRecords();
        if (verdict != null) {
            correct = verdict.correct() && status.equals("ok");
            verification = verdict.matchingRows() + "/" + verdict.expectedRows() + " closed-window rows equal the manifest"
                    + (verdict.extraOpenRows() > 0 ? " (+" + verdict.extraOpenRows() + " rows of not-yet-closed windows, not compared)" : "");
            mismatches = verdict.mismatches();
            if (emitDelay.compareTo(Duration.ZERO) > 0) {
                verification += "; emitted on close after a grace of " + emitDelay.toSeconds() + " s, so windows ending"
                        + " within grace + out-of-orderness + 10 s of the last event time are not compared";
            }
        } else if (timeBox != null) {
            correct = status.equals("ok") && lastWall > 0;
            verification = String.format(Locale.ROOT, "time-boxed: %,d of %,d records read in the measured steady state%s;"
                    + " rows not compared here (the variant's complete run on the main backlog is)", lastRecords - firstRecords,
                    totalRecords, exhausted ? ", the backlog ran out before its end (a larger --throughput-events makes it longer)" : "");
        } else {
            correct = status.equals("ok") && lastWall > 0;
            verification = correct ? "no output; all " + totalRecords + " records read" : "not verified";
        }
        if (notes.isPresent()) {
            verification += "; " + notes.get();
        }
        if (liveHeapEvery != null) {
            verification += "; " + liveHeapSummary(resources.liveHeapBytes(), resources.liveHeapRequestsMissed());
        }
        if (paced && inputEndWall > 0) {
            verification += String.format(Locale.ROOT, "; paced input finished %.1f s behind its pace (at most %d ms"
                    + " between its commits)%s", dataset.pacedLagMillis(inputEndWall) / 1000.0, Dataset.PACED_COMMIT_INTERVAL.toMillis(),
                    dataset.pacedLagMillis(inputEndWall) > KEPT_UP.toMillis() ? ": the generator, not the variant, set the rate" : "");
        }
        Double rate = null, steady = null, cpuPerMillion = null, variantCpuPerMillion = null, drain = null, inputLag = null;
        Map<String, Double> cpuByThreads = Map.of();
        Boolean sustained = null;
        if (paced && inputEndWall > 0) {
            drain = lastWall > 0 ? Math.max(0, lastWall - inputEndWall) / 1000.0 : null;
            sustained = drain != null && drain <= KEPT_UP.toSeconds();
            inputLag = dataset.pacedLagMillis(inputEndWall) / 1000.0;
        }
        if (firstWall > 0 && lastWall > firstWall) {
            long events = lastRecords - firstRecords;
            steady = (lastWall - firstWall) / 1000.0;
            rate = events / steady;
            cpuPerMillion = (lastCpu - firstCpu) / 1e9 / (events / 1e6);
            variantCpuPerMillion = lastThreadCpu.since(firstThreadCpu) / 1e9 / (events / 1e6);
            cpuByThreads = perMillionEvents(lastThreadCpu.byGroupSince(firstThreadCpu), events);
        }
        long[] p = null;
        if (verdict != null && mode == Mode.FINAL_WHEN_CLOSED) {
            Map<String, Long> windowEnds = new TreeMap<>();
            expected.values().forEach(row -> windowEnds.put(row.key(), row.windowStart() + dataset.windowSizeMillis));
            p = paced ? latency.percentilesFromWindowEnd(windowEnds) : latency.percentiles(windowEnds);
            if (paced) {
                BenchmarkMain.log(name + " (paced, checkpoints every " + checkpointInterval.toMillis() + " ms): slowest row per"
                        + " window end (UTC), ms after the end: " + latency.slowestPerWindowEnd(windowEnds));
            }
        }
        FlinkRest.CheckpointStats cp = checkpoints.orElse(null);
        // The heap check's figure is the live heap its full collections measured, not a young collection's old garbage.
        long heapAfterGc = liveHeapEvery != null ? resources.peakLiveHeapBytes() : resources.peakHeapAfterGcBytes();
        return new VariantResult(name, description, parallelism,
                paced ? String.format(Locale.ROOT, "paced %,d/s", dataset.pacedRate) : timeBox != null ? TIME_BOXED : "backlog",
                dataset.skewed,
                dataset.complete() ? dataset.manifest().counts().eventsSent() : 0, totalRecords,
                status, correct, verification, mismatches, rate, steady, cpuPerMillion, variantCpuPerMillion, cpuByThreads,
                resources.peakHeapBytes() >> 20, heapAfterGc >> 20, resources.peakRssBytes() >> 20,
                sustained, drain, inputLag, checkpointInterval.toMillis(), dataset.outOfOrderness.toMillis(),
                cp == null ? null : cp.completed(), cp == null ? null : cp.avgMillis(),
                cp == null ? null : cp.p99Millis(), cp == null ? null : cp.maxMillis(),
                p == null ? null : paced ? "window end (wall clock)" : "watermark",
                p == null ? null : p[0], p == null ? null : p[1], p == null ? null : p[2], p == null ? null : p[3],
                wallSeconds);
    }

    /**
     * CPU seconds per million events of each thread group that used at least {@link #LEAST_REPORTED} of them, largest
     * first; the rest together as "other threads".
     */
    static Map<String, Double> perMillionEvents(Map<String, Long> nanosByGroup, long events) {
        Map<String, Double> perMillion = new LinkedHashMap<>();
        double other = 0;
        for (Map.Entry<String, Long> group : nanosByGroup.entrySet()) {
            double seconds = group.getValue() / 1e9 / (events / 1e6);
            if (seconds >= LEAST_REPORTED) {
                perMillion.put(group.getKey(), seconds);
            } else {
                other += seconds;
            }
        }
        if (other > 0) {
            perMillion.put("other threads", other);
        }
        return perMillion;
    }

    /**
     * The heap check's live-heap samples in a sentence: how many, their median and their peak, how many requests
     * missed, and the peaks of the run's first and last thirds. The peak of a run grows with its number of samples
     * even where the heap does not grow (the buffers in flight fill and drain from one sample to the next), so the
     * thirds tell a heap that grows with the input (the last third's peak above the first's) from a longer draw.
     */
    static String liveHeapSummary(List<Long> samples, int missed) {
        String missing = missed == 0 ? "" : String.format(Locale.ROOT, " (%d requests ran none)", missed);
        if (samples.isEmpty()) {
            return "no live heap measured" + missing;
        }
        List<Long> sorted = samples.stream().sorted().toList();
        String thirds = "";
        if (samples.size() >= 6) {
            int third = samples.size() / 3;
            thirds = String.format(Locale.ROOT, "; peak of the first and last thirds %d and %d MiB",
                    Collections.max(samples.subList(0, third)) >> 20,
                    Collections.max(samples.subList(samples.size() - third, samples.size())) >> 20);
        }
        return String.format(Locale.ROOT, "live heap after %d full collections: median %d MiB, peak %d MiB%s%s",
                sorted.size(), sorted.get(sorted.size() / 2) >> 20, sorted.get(sorted.size() - 1) >> 20, missing, thirds);
    }

    private Map<String, WindowCount> allRows() {
        Map<String, WindowCount> all = new TreeMap<>();
        dataset.windows().forEach(row -> all.put(row.key(), row));
        return all;
    }

    private static void pollRows(Connection db, CommitLatency latency, long now) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT product_id, (extract(epoch FROM window_start) * 1000)::bigint FROM product_window_stats");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                latency.seen(rs.getString(1) + "@" + rs.getLong(2), now);
            }
        }
    }
}
