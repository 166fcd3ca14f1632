package io.trendstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The targets, judged on the main run's correct results only; a missing or failed variant is "not measured". */
final class Targets {
    private Targets() {}

    static List<ResultsWriter.Target> evaluate(List<VariantResult> results, BenchOptions options) {
        Optional<VariantResult> pipeline = first(results, "pipeline", options.parallelism);
        Optional<VariantResult> streams = first(results, "kafka-streams", options.parallelism);
        List<ResultsWriter.Target> targets = new ArrayList<>();
        targets.add(pipelineVsCeiling(results, options));
        targets.add(ratio("pipeline vs Kafka Streams", ">= 1.5 x Kafka Streams events/s", pipeline, streams, 1.5));
        // Informative: the peer variant whose results are correct in a replay (see README), not the target's peer.
        targets.add(ratio("pipeline vs Kafka Streams, emit-on-update diagnostic (not the like-for-like peer)",
                ">= 1.5 x (informative)", pipeline, first(results, "kafka-streams-updates", options.parallelism), 1.5));
        long bound = options.checkpointInterval.toMillis() + 2_000;
        if (pipeline.isPresent() && pipeline.get().latencyP99Millis() != null) {
            long p99 = pipeline.get().latencyP99Millis();
            targets.add(new ResultsWriter.Target("pipeline p99 window-to-commit latency", "<= " + bound + " ms",
                    p99 + " ms", p99 <= bound ? "met" : "missed"));
        } else {
            targets.add(new ResultsWriter.Target("pipeline p99 window-to-commit latency", "<= " + bound + " ms", "–", "not measured"));
        }
        return targets;
    }

    /**
     * The i-th pipeline run against the i-th ceiling run, both on the main dataset at the main parallelism (with
     * {@code --pairs} they alternate); the median of the pairs' ratios, every ratio shown.
     */
    static ResultsWriter.Target pipelineVsCeiling(List<VariantResult> results, BenchOptions options) {
        String name = "pipeline vs ceiling";
        String goal = ">= 0.60 x ceiling events/s";
        List<VariantResult> ceilings = mainRuns(results, "ceiling", options);
        List<VariantResult> pipelines = mainRuns(results, "pipeline", options);
        int pairs = Math.min(ceilings.size(), pipelines.size());
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            if (!ceilings.get(i).correct() || !pipelines.get(i).correct()
                    || ceilings.get(i).eventsPerSecond() == null || pipelines.get(i).eventsPerSecond() == null) {
                // a failed run in any pair: no verdict, rather than a median of the runs that happened to work
                return notMeasured(name, goal);
            }
            ratios.add(pipelines.get(i).eventsPerSecond() / ceilings.get(i).eventsPerSecond());
        }
        if (ratios.isEmpty()) {
            return notMeasured(name, goal);
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        String measured = n == 1 ? String.format(Locale.ROOT, "%.2f x", median)
                : String.format(Locale.ROOT, "%.2f x (median of %d pairs: %s)", median, n, ratios.stream()
                        .map(r -> String.format(Locale.ROOT, "%.2f", r)).collect(Collectors.joining(", ")));
        return new ResultsWriter.Target(name, goal, measured, median >= 0.60 ? "met" : "missed");
    }

    /** Runs on the main dataset (the first results are always on it) at the main parallelism. */
    private static List<VariantResult> mainRuns(List<VariantResult> results, String name, BenchOptions options) {
        if (results.isEmpty()) {
            return List.of();
        }
        long mainEvents = results.get(0).inputEvents();
        return results.stream().filter(r -> r.name().equals(name) && r.parallelism() == options.parallelism
                && r.inputEvents() == mainEvents).toList();
    }

    private static ResultsWriter.Target ratio(String name, String goal, Optional<VariantResult> a, Optional<VariantResult> b, double min) {
        if (a.isEmpty() || b.isEmpty() || a.get().eventsPerSecond() == null || b.get().eventsPerSecond() == null) {
            return notMeasured(name, goal);
        }
        double r = a.get().eventsPerSecond() / b.get().eventsPerSecond();
        return new ResultsWriter.Target(name, goal, String.format(Locale.ROOT, "%.2f x", r), r >= min ? "met" : "missed");
    }

    private static ResultsWriter.Target notMeasured(String name, String goal) {
        return new ResultsWriter.Target(name, goal, "–", "not measured (variant missing, failed or incorrect)");
    }

    private static Optional<VariantResult> first(List<VariantResult> results, String name, int parallelism) {
        return results.stream().filter(r -> r.name().equals(name) && r.parallelism() == parallelism && r.correct()).findFirst();
    }
}
