package io.trendstream.bench;

import io.trendstream.generator.WindowCount;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Drives one variant to completion and measures it: polls records read, the closing watermark and the database
 * every {@link #POLL}, until every record is read and (for variants with output) every closed window's row is
 * visible, or the deadline passes. Then checks the rows against the manifest.
 */
final class Measurement {
    static final Duration POLL = Duration.ofMillis(250);
    /** How often progress goes to stderr, so a slow or stuck variant shows while it runs. */
    private static final Duration PROGRESS = Duration.ofSeconds(10);

    private final BenchStack stack;
    private final Dataset dataset;
    private final ResourceSampler resources = new ResourceSampler();

    Measurement(BenchStack stack, Dataset dataset, Duration checkpointInterval) {
        this.stack = stack;
        this.dataset = dataset;
        this.settle = Duration.ofSeconds(30).compareTo(checkpointInterval.multipliedBy(3)) > 0
                ? Duration.ofSeconds(30) : checkpointInterval.multipliedBy(3);
    }

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
        long wallStart = System.nanoTime();
        resources.start();
        Map<String, WindowCount> expected = dataset.closedWindows(emitDelay);
        Map<String, WindowCount> all = new TreeMap<>();
        dataset.windows().forEach(row -> all.put(row.key(), row));
        CommitLatency latency = new CommitLatency();
        long firstWall = -1, firstRecords = 0, firstCpu = 0, lastWall = -1, lastCpu = 0;
        String status = "ok";
        Optional<FlinkRest.CheckpointStats> checkpoints = Optional.empty();
        ResultVerifier.Verdict verdict = null;
        Optional<String> notes = Optional.empty();
        long deadline = System.nanoTime() + timeout.toNanos();
        long settleDeadline = -1;
        try (RunningVariant variant = starter.start()) {
            Optional<String> database = variant.database();
            try (Connection db = database.isPresent() ? stack.connect(database.get()) : null) {
                boolean allRead = false;
                long nextProgress = System.currentTimeMillis() + PROGRESS.toMillis();
                while (true) {
                    variant.checkAlive();
                    long now = System.currentTimeMillis();
                    resources.sample();
                    OptionalLong read = variant.recordsRead();
                    if (read.isPresent() && !allRead) {
                        if (firstWall < 0 && read.getAsLong() > 0) {
                            firstWall = now;
                            firstRecords = read.getAsLong();
                            firstCpu = resources.cpuNanosNow();
                        }
                        if (read.getAsLong() >= dataset.totalRecords && variant.drained()) {
                            allRead = true;
                            lastWall = now;
                            lastCpu = resources.cpuNanosNow();
                        }
                    }
                    OptionalLong watermark = variant.closingWatermark();
                    if (watermark.isPresent()) {
                        latency.watermark(now, watermark.getAsLong());
                    }
                    if (db != null) {
                        pollRows(db, latency, now);
                    }
                    boolean outputsDone = db == null || expected.keySet().stream().allMatch(latency::hasSeen);
                    if (allRead && settleDeadline < 0) {
                        settleDeadline = System.nanoTime() + settle.toNanos();
                    }
                    if (allRead && !outputsDone && System.nanoTime() > settleDeadline) {
                        break; // rows still missing after all input was read and committed: judged as they are
                    }
                    if (allRead && outputsDone) {
                        if (db == null || mode == Mode.FINAL_WHEN_CLOSED) {
                            break;
                        }
                        // Updated rows: done once they equal the manifest, judged as they are after the settle time.
                        if (ResultVerifier.verify(expected, all, ResultVerifier.readRows(db)).correct()
                                || System.nanoTime() > settleDeadline) {
                            break;
                        }
                    }
                    if (now >= nextProgress) {
                        nextProgress = now + PROGRESS.toMillis();
                        System.err.printf("[bench] %s p%d: %s of %,d records read, watermark %s, %,d closed-window rows seen%n",
                                name, parallelism, read.isPresent() ? String.format("%,d", read.getAsLong()) : "?",
                                dataset.totalRecords, watermark.isPresent() ? java.time.Instant.ofEpochMilli(watermark.getAsLong()) : "-",
                                latency.seenCount());
                    }
                    if (System.nanoTime() > deadline) {
                        status = "timeout after " + timeout.toSeconds() + " s (records read: " + read + " of "
                                + dataset.totalRecords + ", closed-window rows seen: " + latency.seenCount() + ")";
                        break;
                    }
                    Thread.sleep(POLL.toMillis()); // the sampling period, not synchronisation: the loop polls conditions
                }
                checkpoints = variant.checkpoints();
                notes = variant.notes();
                if (db != null) {
                    verdict = ResultVerifier.verify(expected, all, ResultVerifier.readRows(db));
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
        if (verdict != null) {
            correct = verdict.correct() && status.equals("ok");
            verification = verdict.matchingRows() + "/" + verdict.expectedRows() + " closed-window rows equal the manifest"
                    + (verdict.extraOpenRows() > 0 ? " (+" + verdict.extraOpenRows() + " rows of not-yet-closed windows, not compared)" : "");
            mismatches = verdict.mismatches();
            if (emitDelay.compareTo(Duration.ZERO) > 0) {
                verification += "; emitted on close after a grace of " + emitDelay.toSeconds() + " s, so windows ending"
                        + " within grace + out-of-orderness + 10 s of the last event time are not compared";
            }
        } else {
            correct = status.equals("ok") && lastWall > 0;
            verification = correct ? "no output; all " + dataset.totalRecords + " records read" : "not verified";
        }
        if (notes.isPresent()) {
            verification += "; " + notes.get();
        }
        Double rate = null, steady = null, cpuPerMillion = null;
        if (firstWall > 0 && lastWall > firstWall) {
            long events = dataset.totalRecords - firstRecords;
            steady = (lastWall - firstWall) / 1000.0;
            rate = events / steady;
            cpuPerMillion = (lastCpu - firstCpu) / 1e9 / (events / 1e6);
        }
        Map<String, Long> windowEnds = new TreeMap<>();
        expected.values().forEach(row -> windowEnds.put(row.key(), row.windowStart() + dataset.windowSizeMillis));
        long[] p = verdict == null || mode != Mode.FINAL_WHEN_CLOSED ? null : latency.percentiles(windowEnds);
        FlinkRest.CheckpointStats cp = checkpoints.orElse(null);
        return new VariantResult(name, description, parallelism, dataset.manifest.counts().eventsSent(), dataset.totalRecords,
                status, correct, verification, mismatches, rate, steady, cpuPerMillion,
                resources.peakHeapBytes() >> 20, resources.peakRssBytes() >> 20,
                cp == null ? null : cp.completed(), cp == null ? null : cp.avgMillis(),
                cp == null ? null : cp.p99Millis(), cp == null ? null : cp.maxMillis(),
                p == null ? null : p[0], p == null ? null : p[1], p == null ? null : p[2], p == null ? null : p[3],
                wallSeconds);
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
