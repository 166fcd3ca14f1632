package io.trendstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The targets, judged on the main run's correct results only; a missing or failed variant is "not measured". */
final class Targets {
    private Targets() {}

    static List<ResultsWriter.Target> evaluate(List<VariantResult> results, BenchOptions options) {
        Optional<VariantResult> pipeline = first(results, "pipeline", options.parallelism);
        Optional<VariantResult> ceiling = first(results, "ceiling", options.parallelism);
        Optional<VariantResult> streams = first(results, "kafka-streams", options.parallelism);
        List<ResultsWriter.Target> targets = new ArrayList<>();
        targets.add(ratio("pipeline vs ceiling", ">= 0.60 x ceiling events/s", pipeline, ceiling, 0.60));
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

    private static ResultsWriter.Target ratio(String name, String goal, Optional<VariantResult> a, Optional<VariantResult> b, double min) {
        if (a.isEmpty() || b.isEmpty() || a.get().eventsPerSecond() == null || b.get().eventsPerSecond() == null) {
            return new ResultsWriter.Target(name, goal, "–", "not measured (variant missing, failed or incorrect)");
        }
        double r = a.get().eventsPerSecond() / b.get().eventsPerSecond();
        return new ResultsWriter.Target(name, goal, String.format(Locale.ROOT, "%.2f x", r), r >= min ? "met" : "missed");
    }

    private static Optional<VariantResult> first(List<VariantResult> results, String name, int parallelism) {
        return results.stream().filter(r -> r.name().equals(name) && r.parallelism() == parallelism && r.correct()).findFirst();
    }
}
