package io.trendstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code bin/bench}: starts Kafka, the schema registry and PostgreSQL, preloads a seeded dataset, runs the ceiling,
 * the pipeline, the Flink SQL and the Kafka Streams peers one after another on it to completion and checks each one's
 * database rows against the generator's manifest; then measures their throughput in turn, in pairs, over a fixed
 * steady state on a backlog larger than any finishes; then paced runs (latency, maximum sustainable rate) and the
 * heap check. Writes bench/results/latest.{json,md}. Exit status 0 when every variant produced correct results
 * (targets met or not), 1 otherwise.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options) ? 0 : 1);
    }

    /** Runs the benchmark; true when every variant's results were correct. */
    public static boolean run(String... args) throws Exception {
        return run(BenchOptions.parse(args));
    }

    static boolean run(BenchOptions options) throws Exception {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<VariantResult> results = new ArrayList<>();
        Duration peerGrace;
        int p = options.parallelism;
        try (BenchStack stack = BenchStack.start(options.maxParallelism())) {
            log("stack up: Kafka " + stack.bootstrapServers() + ", registry " + stack.registryServer.url()
                    + ", PostgreSQL " + stack.postgres.jdbcUrl("postgres"));
            Dataset main = preload(stack, options, options.events, "main", options.skewed);
            Measurement measurement = new Measurement(stack, main, options.checkpointInterval);
            peerGrace = options.peerGrace(main);
            if (options.variants.contains("streams")) {
                log("Kafka Streams peer: grace " + peerGrace.toSeconds() + " s (" + (options.peerGrace != null ? "--peer-grace"
                        : "the event-time span + out-of-orderness") + "), so "
                        + main.closedWindows(StreamsPeer.emitDelay(main, peerGrace)).size() + " closed windows are compared");
            }
            if (options.warmupEvents > 0) {
                warmUp(stack, options, p);
            }
            // Every variant once to completion on the main backlog: its rows against the manifest.
            for (String variant : options.variants) {
                record(results, measureVariant(variant, "", stack, options, measurement, main, p, peerGrace), "");
            }
            if (options.throughputSteady.isZero()) {
                // Pairs: every compared variant again, in turn, so that a slow spell of the shared machine decides less.
                for (int pair = 2; pair <= options.pairs; pair++) {
                    for (String variant : compared(options)) {
                        record(results, measureVariant(variant, "", stack, options, measurement, main, p, peerGrace), " (pair " + pair + ")");
                    }
                }
            } else {
                // Throughput: every compared variant for the same steady time on a backlog none of them finishes, in
                // turn, once per pair. (Its grace does not matter here: its rows are not compared.)
                Dataset backlog = preload(stack, options, options.throughputEvents, "throughput", options.skewed);
                Measurement timeBoxed = Measurement.timeBoxed(stack, backlog, options.checkpointInterval, options.throughputSteady);
                if (!options.throughputWarmup.isZero()) {
                    Measurement warmUp = Measurement.timeBoxed(stack, backlog, options.checkpointInterval, options.throughputWarmup);
                    for (String variant : compared(options)) {
                        VariantResult r = measureVariant(variant, "warm-up ", stack, options, warmUp, backlog, p, peerGrace);
                        log(r.name() + " p" + r.parallelism() + ", time-boxed: " + r.status() + " (not reported)");
                    }
                }
                for (int pair = 1; pair <= options.pairs; pair++) {
                    for (String variant : compared(options)) {
                        record(results, measureVariant(variant, "", stack, options, timeBoxed, backlog, p, peerGrace), " (pair " + pair + ")");
                    }
                }
                backlog.deleteTopics(stack);
            }
            if (options.extraRuns) {
                int other = options.otherParallelism();
                record(results, measurement.measure("pipeline", "as shipped, other parallelism", other, options.variantTimeout,
                        () -> FlinkJobVariant.pipeline(stack, options, main, other)), "");
            }
            if (options.secondSizeEvents > 0) {
                Dataset second = preload(stack, options, options.secondSizeEvents, "second", options.skewed);
                record(results, new Measurement(stack, second, options.checkpointInterval).measure("pipeline",
                        "as shipped, second input size", p, options.variantTimeout,
                        () -> FlinkJobVariant.pipeline(stack, options, second, p)), "");
            }
            if (options.heapEvents > 0) {
                heapCheck(stack, options, p, results);
            }
            if (options.pacedRate > 0) {
                for (Duration interval : options.latencyCheckpointIntervals) {
                    BenchOptions at = options.withCheckpointInterval(interval);
                    for (String variant : options.latencyVariants) {
                        record(results, paced(variant, stack, at, options.pacedRate, p), "");
                    }
                }
            }
            for (String variant : options.maxRateVariants) {
                RateSearch search = RateSearch.of(options.maxRates);
                while (search.next().isPresent()) {
                    long rate = search.next().getAsLong();
                    VariantResult r = paced(variant, stack, options, rate, p);
                    record(results, r, " (max-rate search)");
                    search = search.after(rate, r.correct() && Boolean.TRUE.equals(r.sustained()) && r.inputKeptPace());
                }
                if (search.endedUnbounded()) {
                    log(variant + " kept up with every rate of the max-rate search, up to "
                            + String.format(Locale.ROOT, "%,d/s", search.highestKept()) + ": its limit is higher");
                }
            }
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String machine = ResultsWriter.machine(loadBefore, loadAfter);
        List<ResultsWriter.Target> targets = Targets.evaluate(results, options);
        String md = ResultsWriter.write(options.resultsDir, options.command, machine, loadBefore, loadAfter,
                settings(options, peerGrace), results, targets);
        System.out.println(md);
        if (options.updateReadmes) {
            String summary = ResultsWriter.summary(machine, options.command, results, targets);
            for (Path readme : List.of(Path.of("bench/README.md"), Path.of("README.md"))) {
                log(readme + (ResultsWriter.updateReadme(readme, summary) ? ": results part rewritten" : ": no results markers, left alone"));
            }
        }
        return results.stream().allMatch(VariantResult::correct);
    }

    /** The variants whose throughput is compared (the streams-updates diagnostic is not). */
    private static List<String> compared(BenchOptions options) {
        return options.variants.stream().filter(v -> !v.equals("streams-updates")).toList();
    }

    /**
     * The heap check: the pipeline on backlogs of 1x ({@link BenchOptions#heapRepeats} runs) and 10x
     * {@link BenchOptions#heapEvents}, skewed and then evenly spread over the products, measured in the TaskManager
     * process of a standalone session (this JVM's heap also holds the broker and the expected rows, which grow with
     * the input; a MiniCluster's also the JobManager's REST server and job graphs), after an unreported run on the first backlog: the JVM is new, and a first run compiles
     * its code as it goes and reads slower, so it holds fewer windows in flight than the same run once compiled
     * (2026-12-02, thirteenth session). Each backlog's topics are deleted after its runs, for the disk.
     */
    private static void heapCheck(BenchStack stack, BenchOptions options, int p, List<VariantResult> results) throws Exception {
        try (FlinkSession standalone = FlinkSession.startStandalone(p)) {
            for (boolean skewed : List.of(true, false)) {
                String run = skewed ? HEAP_RUN : EVEN_HEAP_RUN;
                String tag = skewed ? "heap" : "heap-even";
                Dataset once = preload(stack, options, options.heapEvents, tag + options.heapEvents, skewed);
                if (skewed) {
                    VariantResult warmUp = heapRun(stack, standalone, options, once, p, run, "warm-up");
                    log(warmUp.name() + " p" + p + ", warm-up of its JVM: " + warmUp.status() + " (not reported)");
                }
                for (int i = 1; i <= options.heapRepeats; i++) {
                    record(results, heapRun(stack, standalone, options, once, p, run, heapRunDescription(skewed)),
                            " (1x, run " + i + " of " + options.heapRepeats + ")");
                }
                once.deleteTopics(stack);
                Dataset tenfold = preload(stack, options, 10 * options.heapEvents, tag + 10 * options.heapEvents, skewed);
                record(results, heapRun(stack, standalone, options, tenfold, p, run, heapRunDescription(skewed)), " (10x)");
                tenfold.deleteTopics(stack);
            }
        }
    }

    private static String heapRunDescription(boolean skewed) {
        return "as shipped, " + (skewed ? "skewed backlog (p0 has 90 % of the events)" : "backlog spread evenly over the products")
                + ", TaskManager process of a standalone session";
    }

    private static VariantResult heapRun(BenchStack stack, FlinkSession session, BenchOptions options, Dataset backlog,
            int p, String run, String description) {
        // The 10x skewed backlog (150M events by default) takes ~9 minutes at the pipeline's rate on an idle machine:
        // the run may take as long as reading it at HEAP_RUN_MIN_RATE, or --timeout-seconds if that is longer.
        Duration timeout = Duration.ofSeconds(
                Math.max(options.variantTimeout.toSeconds(), backlog.totalRecords() / HEAP_RUN_MIN_RATE));
        return Measurement.liveHeap(stack, session, backlog, options.checkpointInterval, LIVE_HEAP_EVERY).measure(run,
                description, p, timeout, () -> FlinkJobVariant.pipeline(stack, session, options, backlog, p));
    }

    /**
     * The read rate (events/s) below which a heap-check run gives up: the pipeline reads the skewed backlog at
     * 280-360k events/s on an idle machine.
     */
    private static final long HEAP_RUN_MIN_RATE = 100_000;

    /** The names of the heap-check runs of the pipeline: on skewed input, and on input spread evenly. */
    static final String HEAP_RUN = "pipeline (skewed heap check)";
    static final String EVEN_HEAP_RUN = "pipeline (heap check)";
    /** How often the heap check measures the live heap with a full collection (each a pause of the job). */
    static final Duration LIVE_HEAP_EVERY = Duration.ofSeconds(2);

    private static void record(List<VariantResult> results, VariantResult result, String suffix) {
        results.add(result);
        log(summary(result) + suffix);
    }

    /** One variant on its own paced input (fresh topics, written in real time while it runs). */
    private static VariantResult paced(String variant, BenchStack stack, BenchOptions backlogOptions, long rate, int p) {
        BenchOptions options = backlogOptions.forPacedRun();
        Dataset dataset = Dataset.paced(stack, options, rate, options.pacedDuration,
                "paced-" + variant + "-" + rate + "-" + options.checkpointInterval.toMillis() + "-" + FlinkJobVariant.shortId(),
                options.skewed);
        Measurement measurement = new Measurement(stack, dataset, options.checkpointInterval);
        // In real time, the peer's stream time follows the wall clock as Flink's watermark does: its grace need only
        // cover the input's own disorder, as the pipeline's allowed lateness does.
        Duration grace = options.peerGrace != null ? options.peerGrace : options.allowedLateness;
        Duration timeout = options.pacedDuration.plus(options.variantTimeout);
        return measureVariant(variant, "", stack, options, measurement, dataset, p, grace, timeout);
    }

    /** Runs every selected variant once on a separate small dataset and forgets the results (see --warmup-events). */
    private static void warmUp(BenchStack stack, BenchOptions options, int p) throws Exception {
        Dataset warmup = preload(stack, options, options.warmupEvents, "warmup", options.skewed);
        Measurement measurement = new Measurement(stack, warmup, options.checkpointInterval);
        Duration grace = options.peerGrace(warmup);
        for (String variant : options.variants) {
            VariantResult r = measureVariant(variant, "warm-up ", stack, options, measurement, warmup, p, grace);
            log(r.name() + " p" + r.parallelism() + ": " + r.status() + " (not reported)");
        }
    }

    private static VariantResult measureVariant(String variant, String prefix, BenchStack stack, BenchOptions options,
                                                Measurement measurement, Dataset dataset, int p, Duration peerGrace) {
        return measureVariant(variant, prefix, stack, options, measurement, dataset, p, peerGrace, options.variantTimeout);
    }

    /** One run of a variant (ceiling, bundled, pipeline, sql, streams, streams-updates) on {@code dataset}, reported as prefix + its name. */
    private static VariantResult measureVariant(String variant, String prefix, BenchStack stack, BenchOptions options,
                                                Measurement measurement, Dataset dataset, int p, Duration peerGrace,
                                                Duration timeout) {
        return switch (variant) {
            case "ceiling" -> measurement.measure(prefix + "ceiling",
                    "KafkaSource + IngestingDeserializer + the pipeline's watermarks and runtime settings -> DiscardingSink",
                    p, timeout, () -> FlinkJobVariant.ceiling(stack, options, dataset, p));
            case "bundled" -> measurement.measure(prefix + "bundled",
                    "diagnostic: the ceiling + dead-letter routing, bundling and the shuffle by product -> DiscardingSink",
                    p, timeout, () -> FlinkJobVariant.bundled(stack, options, dataset, p));
            case "pipeline" -> measurement.measure(prefix + "pipeline", "TrendPipelineJob.defineJob as shipped",
                    p, timeout, () -> FlinkJobVariant.pipeline(stack, options, dataset, p));
            case "sql" -> measurement.measure(prefix + "flink-sql", FlinkSqlPeer.DESCRIPTION,
                    p, timeout, () -> FlinkSqlPeer.start(stack, options, dataset, p));
            case "streams" -> measurement.measure(prefix + "kafka-streams", "Kafka Streams 4.2.0 peer, exactly_once_v2,"
                            + " emit on window close, grace " + peerGrace.toSeconds() + " s, max.task.idle.ms "
                            + options.peerTaskIdle.toMillis(),
                    p, timeout, StreamsPeer.emitDelay(dataset, peerGrace),
                    () -> StreamsPeer.start(stack, options, dataset, p, peerGrace, true));
            // Diagnostic: the same topology with a grace longer than the run and upserts on every update,
            // to tell Kafka Streams' stream-time semantics apart from a defect of the peer.
            case "streams-updates" -> measurement.measure(prefix + "kafka-streams-updates",
                    "Kafka Streams peer, grace 2 h, emit on update (no latency: rows appear before windows close)",
                    p, timeout, Duration.ZERO, Measurement.Mode.FINAL_AFTER_INPUT,
                    () -> StreamsPeer.start(stack, options, dataset, p, Duration.ofHours(2), false));
            default -> throw new IllegalArgumentException("Unknown variant " + variant);
        };
    }

    private static Dataset preload(BenchStack stack, BenchOptions options, long events, String tag, boolean skewed) {
        long start = System.nanoTime();
        Dataset dataset = Dataset.preload(stack, options, events, tag, skewed);
        log(String.format(Locale.ROOT, "preloaded %,d events%s (%,d records, %,d closed windows expected) in %.1f s",
                dataset.manifest().counts().eventsSent(), skewed ? ", skewed" : "", dataset.totalRecords(),
                dataset.closedWindows().size(), (System.nanoTime() - start) / 1e9));
        return dataset;
    }

    private static ObjectNode settings(BenchOptions o, Duration peerGrace) {
        ObjectNode s = new ObjectMapper().createObjectNode();
        s.put("events", o.events);
        s.put("eventsPerSecondOfEventTime", o.eventRate);
        s.put("products", o.products);
        s.put("users", o.users);
        s.put("partitionsPerTopic", o.partitions);
        s.put("parallelism", o.parallelism);
        s.put("pairs", o.pairs);
        s.put("throughputSteady", o.throughputSteady.toString());
        s.put("throughputLead", BenchOptions.THROUGHPUT_LEAD.toString());
        s.put("throughputEvents", o.throughputEvents);
        s.put("throughputWarmup", o.throughputWarmup.toString());
        s.put("windowSize", o.windowSize.toString());
        s.put("allowedLateness", o.allowedLateness.toString());
        s.put("outOfOrderness", o.outOfOrderness.toString());
        s.put("peerGrace", peerGrace.toString());
        s.put("peerGraceRule", o.peerGrace != null ? "--peer-grace"
                : "event-time span + out-of-orderness, in whole windows");
        s.put("peerMaxTaskIdleMs", o.peerTaskIdle.toMillis());
        o.peerConfig.forEach((k, v) -> s.put("peer:" + k, v));
        o.pipelineConfig.forEach((k, v) -> s.put("pipeline:" + k, v));
        s.put("checkpointInterval", o.checkpointInterval.toString());
        s.put("skewed", o.skewed);
        s.put("pacedRate", o.pacedRate);
        s.put("pacedDuration", o.pacedDuration.toString());
        s.put("pacedWindowSize", o.pacedWindowSize.toString());
        s.put("latencyCheckpointIntervals", o.latencyCheckpointIntervals.toString());
        s.put("maxRates", o.maxRates.toString());
        s.put("heapEvents", o.heapEvents);
        s.put("heapRepeats", o.heapRepeats);
        s.put("warmupEvents", o.warmupEvents);
        s.put("duplicateShare", Dataset.DUPLICATE_SHARE);
        s.put("seed", Dataset.SEED);
        s.put("pollMillis", Measurement.POLL.toMillis());
        return s;
    }

    static String summary(VariantResult r) {
        return String.format(Locale.ROOT, "%s p%d (%s%s, checkpoints every %d ms): %s, %s; %s events/s%s; latency p99 %s ms",
                r.name(), r.parallelism(), r.input(), r.skewed() ? ", skewed" : "", r.checkpointIntervalMillis(),
                r.correct() ? "correct" : "FAILED", r.status(), ResultsWriter.fmt(r.eventsPerSecond(), "%,.0f"),
                r.sustained() == null ? "" : r.sustained() ? " (kept up)" : " (fell behind)",
                Optional.ofNullable(r.latencyP99Millis()).map(String::valueOf).orElse("–"));
    }

    static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
