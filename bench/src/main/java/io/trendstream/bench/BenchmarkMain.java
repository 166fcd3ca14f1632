package io.trendstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code bin/bench}: starts Kafka, the schema registry and PostgreSQL, preloads a seeded dataset, then runs the
 * ceiling, the pipeline and the Kafka Streams peer one after another against it, checks each one's database rows
 * against the generator's manifest, and writes bench/results/latest.{json,md}. Exit status 0 when every variant
 * produced correct results (targets met or not), 1 otherwise.
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
        try (BenchStack stack = BenchStack.start()) {
            log("stack up: Kafka " + stack.bootstrapServers() + ", registry " + stack.registryServer.url()
                    + ", PostgreSQL " + stack.postgres.jdbcUrl("postgres"));
            Dataset main = preload(stack, options, options.events, "main");
            Measurement measurement = new Measurement(stack, main, options.checkpointInterval);
            peerGrace = options.peerGrace(main);
            if (options.variants.contains("streams")) {
                log("Kafka Streams peer: grace " + peerGrace.toSeconds() + " s (" + (options.peerGrace != null ? "--peer-grace"
                        : BenchOptions.PEER_GRACE_SHARE + " x the event-time span") + "), so "
                        + main.closedWindows(peerGrace).size() + " closed windows are compared");
            }
            int p = options.parallelism;
            if (options.warmupEvents > 0) {
                warmUp(stack, options, p);
            }
            for (String variant : options.variants) {
                results.add(measureVariant(variant, "", stack, options, measurement, main, p, peerGrace));
                log(summary(results.get(results.size() - 1)));
            }
            for (int pair = 2; pair <= options.pairs; pair++) {
                for (String variant : List.of("ceiling", "pipeline")) {
                    if (options.variants.contains(variant)) {
                        results.add(measureVariant(variant, "", stack, options, measurement, main, p, peerGrace));
                        log(summary(results.get(results.size() - 1)) + " (pair " + pair + ")");
                    }
                }
            }
            if (options.extraRuns) {
                int other = p == 1 ? 2 : 1;
                results.add(measurement.measure("pipeline", "as shipped, other parallelism", other, options.variantTimeout,
                        () -> FlinkJobVariant.pipeline(stack, options, main, other)));
                log(summary(results.get(results.size() - 1)));
            }
            if (options.secondSizeEvents > 0) {
                Dataset second = preload(stack, options, options.secondSizeEvents, "second");
                results.add(new Measurement(stack, second, options.checkpointInterval).measure("pipeline", "as shipped, second input size", p,
                        options.variantTimeout, () -> FlinkJobVariant.pipeline(stack, options, second, p)));
                log(summary(results.get(results.size() - 1)));
            }
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String md = ResultsWriter.write(options.resultsDir, options.command, ResultsWriter.machine(loadBefore, loadAfter),
                loadBefore, loadAfter, settings(options, peerGrace), results, Targets.evaluate(results, options));
        System.out.println(md);
        return results.stream().allMatch(VariantResult::correct);
    }

    /** Runs every selected variant once on a separate small dataset and forgets the results (see --warmup-events). */
    private static void warmUp(BenchStack stack, BenchOptions options, int p) throws Exception {
        Dataset warmup = preload(stack, options, options.warmupEvents, "warmup");
        Measurement measurement = new Measurement(stack, warmup, options.checkpointInterval);
        Duration grace = options.peerGrace(warmup);
        for (String variant : options.variants) {
            VariantResult r = measureVariant(variant, "warm-up ", stack, options, measurement, warmup, p, grace);
            log(r.name() + " p" + r.parallelism() + ": " + r.status() + " (not reported)");
        }
    }

    /** One run of a variant (ceiling, pipeline, streams, streams-updates) on {@code dataset}, reported as prefix + its name. */
    private static VariantResult measureVariant(String variant, String prefix, BenchStack stack, BenchOptions options,
                                                Measurement measurement, Dataset dataset, int p, Duration peerGrace) {
        return switch (variant) {
            case "ceiling" -> measurement.measure(prefix + "ceiling", "KafkaSource + IngestingDeserializer -> DiscardingSink",
                    p, options.variantTimeout, () -> FlinkJobVariant.ceiling(stack, options, dataset, p));
            case "pipeline" -> measurement.measure(prefix + "pipeline", "TrendPipelineJob.defineJob as shipped",
                    p, options.variantTimeout, () -> FlinkJobVariant.pipeline(stack, options, dataset, p));
            case "streams" -> measurement.measure(prefix + "kafka-streams", "Kafka Streams 4.2.0 peer, exactly_once_v2,"
                            + " emit on window close, grace " + peerGrace.toSeconds() + " s, max.task.idle.ms "
                            + options.peerTaskIdle.toMillis(),
                    p, options.variantTimeout, peerGrace,
                    () -> StreamsPeer.start(stack, options, dataset, p, peerGrace, true));
            // Diagnostic: the same topology with a grace longer than the run and upserts on every update,
            // to tell Kafka Streams' stream-time semantics apart from a defect of the peer.
            case "streams-updates" -> measurement.measure(prefix + "kafka-streams-updates",
                    "Kafka Streams peer, grace 2 h, emit on update (no latency: rows appear before windows close)",
                    p, options.variantTimeout, Duration.ZERO, Measurement.Mode.FINAL_AFTER_INPUT,
                    () -> StreamsPeer.start(stack, options, dataset, p, Duration.ofHours(2), false));
            default -> throw new IllegalArgumentException("Unknown variant " + variant);
        };
    }

    private static Dataset preload(BenchStack stack, BenchOptions options, long events, String tag) {
        long start = System.nanoTime();
        Dataset dataset = Dataset.preload(stack, options, events, tag);
        log(String.format(Locale.ROOT, "preloaded %,d events (%,d records, %,d closed windows expected) in %.1f s",
                dataset.manifest.counts().eventsSent(), dataset.totalRecords, dataset.closedWindows().size(),
                (System.nanoTime() - start) / 1e9));
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
        s.put("windowSize", o.windowSize.toString());
        s.put("allowedLateness", o.allowedLateness.toString());
        s.put("outOfOrderness", o.outOfOrderness.toString());
        s.put("peerGrace", peerGrace.toString());
        s.put("peerGraceRule", o.peerGrace != null ? "--peer-grace"
                : BenchOptions.PEER_GRACE_SHARE + " x event-time span, in whole windows");
        s.put("peerMaxTaskIdleMs", o.peerTaskIdle.toMillis());
        o.peerConfig.forEach((k, v) -> s.put("peer:" + k, v));
        o.pipelineConfig.forEach((k, v) -> s.put("pipeline:" + k, v));
        s.put("checkpointInterval", o.checkpointInterval.toString());
        s.put("warmupEvents", o.warmupEvents);
        s.put("duplicateShare", Dataset.DUPLICATE_SHARE);
        s.put("seed", Dataset.SEED);
        s.put("pollMillis", Measurement.POLL.toMillis());
        return s;
    }

    static String summary(VariantResult r) {
        return String.format(Locale.ROOT, "%s p%d: %s, %s; %s events/s; latency p99 %s ms", r.name(), r.parallelism(),
                r.correct() ? "correct" : "FAILED", r.status(), ResultsWriter.fmt(r.eventsPerSecond(), "%,.0f"),
                Optional.ofNullable(r.latencyP99Millis()).map(String::valueOf).orElse("–"));
    }

    static void log(String message) {
        System.err.println("[bench] " + message);
    }
}
