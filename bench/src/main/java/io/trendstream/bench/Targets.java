package io.trendstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Issue 12's targets, judged on correct results only; a missing or failed variant leaves a target "not measured".
 * Throughput ratios are medians over pairs: the i-th pipeline run against the i-th run of the other variant, both
 * at the main parallelism (every compared variant runs once per pair, in turn): the time-boxed runs where there are
 * any, each variant's speed counting only if its complete run on the main backlog was correct; otherwise the
 * complete runs on the main backlog.
 */
final class Targets {
    static final double CEILING_RATIO = 0.8;
    static final double STREAMS_RATIO = 2.0;
    static final double SQL_RATIO = 1.0;
    /** p99 from a window's end (wall clock) to its row <= out-of-orderness + checkpoint interval + this. */
    static final long LATENCY_SLACK_MILLIS = 1_000;
    /** Peak heap after GC at 10x the input (even and skewed) within this many percent of the 1x run's. */
    static final long HEAP_GROWTH_PERCENT = 10;

    private Targets() {}

    static List<ResultsWriter.Target> evaluate(List<VariantResult> results, BenchOptions options) {
        List<ResultsWriter.Target> targets = new ArrayList<>();
        targets.add(pairedRatio(results, options, "ceiling", CEILING_RATIO));
        targets.add(pairedRatio(results, options, "kafka-streams", STREAMS_RATIO));
        targets.add(pairedRatio(results, options, "flink-sql", SQL_RATIO));
        targets.add(latency(results, options));
        targets.add(heap(results, false));
        targets.add(heap(results, true));
        return targets;
    }

    /** The pipeline against {@code other}: median of the pairs' events/s ratios, every ratio shown. */
    static ResultsWriter.Target pairedRatio(List<VariantResult> results, BenchOptions options, String other, double goalRatio) {
        String name = "pipeline vs " + other;
        String goal = String.format(Locale.ROOT, ">= %.2f x %s events/s (median of pairs, backlog%s)", goalRatio, other,
                results.stream().anyMatch(r -> r.input().equals(Measurement.TIME_BOXED))
                        ? ", " + options.throughputSteady.toSeconds() + " s steady" : "");
        List<VariantResult> others = throughputRuns(results, other, options.parallelism);
        List<VariantResult> pipelines = throughputRuns(results, "pipeline", options.parallelism);
        int pairs = Math.min(others.size(), pipelines.size());
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            if (!others.get(i).correct() || !pipelines.get(i).correct()
                    || others.get(i).eventsPerSecond() == null || pipelines.get(i).eventsPerSecond() == null) {
                // a failed run in any pair: no verdict, rather than a median of the runs that happened to work
                return notMeasured(name, goal);
            }
            ratios.add(pipelines.get(i).eventsPerSecond() / others.get(i).eventsPerSecond());
        }
        if (ratios.isEmpty()) {
            return notMeasured(name, goal);
        }
        double median = median(ratios);
        String measured = ratios.size() == 1 ? String.format(Locale.ROOT, "%.2f x", median)
                : String.format(Locale.ROOT, "%.2f x (median of %d pairs: %s; spread %.2f-%.2f)", median, ratios.size(),
                        ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).collect(Collectors.joining(", ")),
                        ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                        ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        return new ResultsWriter.Target(name, goal, measured, median >= goalRatio ? "met" : "missed");
    }

    /** The pipeline's paced run at the main checkpoint interval: p99 from the window's end on the wall clock. */
    static ResultsWriter.Target latency(List<VariantResult> results, BenchOptions options) {
        long bound = options.outOfOrderness.toMillis() + options.checkpointInterval.toMillis() + LATENCY_SLACK_MILLIS;
        String name = "pipeline p99 window end (wall clock) -> row visible, paced input";
        String goal = "<= out-of-orderness + checkpoint interval + 1 s = " + bound + " ms";
        Optional<VariantResult> run = results.stream()
                .filter(r -> r.name().equals("pipeline") && r.input().startsWith("paced") && r.correct()
                        && r.checkpointIntervalMillis() == options.checkpointInterval.toMillis()
                        && r.latencyP99Millis() != null)
                .findFirst();
        if (run.isEmpty()) {
            return notMeasured(name, goal);
        }
        long p99 = run.get().latencyP99Millis();
        return new ResultsWriter.Target(name, goal, p99 + " ms (" + run.get().input() + ")", p99 <= bound ? "met" : "missed");
    }

    /**
     * The heap-check runs on even or skewed input: the highest peak heap after GC of the runs on the 1x backlog
     * ({@link BenchOptions#heapRepeats} of them) against the peak of the run on the 10x backlog, within
     * {@link #HEAP_GROWTH_PERCENT}.
     */
    static ResultsWriter.Target heap(List<VariantResult> results, boolean skewed) {
        String name = "pipeline peak heap after GC, " + (skewed ? "skewed " : "") + "input 1x -> 10x";
        String goal = "within " + HEAP_GROWTH_PERCENT + " % (1x: the highest of its runs)";
        String run = skewed ? BenchmarkMain.HEAP_RUN : BenchmarkMain.EVEN_HEAP_RUN;
        List<VariantResult> runs = results.stream().filter(r -> r.name().equals(run)).toList();
        if (runs.isEmpty() || !runs.stream().allMatch(r -> r.correct() && r.peakHeapAfterGcMb() > 0)) {
            return notMeasured(name, goal);
        }
        // The skewed generator writes about, not exactly, ten times the events for a tenfold backlog.
        long smallest = runs.stream().mapToLong(VariantResult::inputEvents).min().orElseThrow();
        long largest = runs.stream().mapToLong(VariantResult::inputEvents).max().orElseThrow();
        List<VariantResult> onceRuns = runs.stream().filter(r -> r.inputEvents() == smallest).toList();
        List<VariantResult> tenfoldRuns = runs.stream().filter(r -> r.inputEvents() == largest).toList();
        if (largest == smallest || tenfoldRuns.size() != 1 || onceRuns.size() + 1 != runs.size()) {
            return notMeasured(name, goal);
        }
        long once = onceRuns.stream().mapToLong(VariantResult::peakHeapAfterGcMb).max().orElseThrow();
        long tenfold = tenfoldRuns.get(0).peakHeapAfterGcMb();
        String onceRunPeaks = onceRuns.stream().map(r -> Long.toString(r.peakHeapAfterGcMb())).collect(Collectors.joining(", "));
        return new ResultsWriter.Target(name, goal, String.format(Locale.ROOT, "%d -> %d MiB (%+.0f %%; 1x runs: %s)",
                once, tenfold, 100.0 * (tenfold - once) / once, onceRunPeaks),
                tenfold * 100 <= once * (100 + HEAP_GROWTH_PERCENT) ? "met" : "missed");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The runs that measure {@code name}'s throughput at {@code parallelism}: its time-boxed runs if there are any
     * (none at all if its complete runs on the main backlog were not all correct), else its complete runs there.
     */
    static List<VariantResult> throughputRuns(List<VariantResult> results, String name, int parallelism) {
        List<VariantResult> complete = mainRuns(results, name, parallelism);
        List<VariantResult> timeBoxed = results.stream().filter(r -> r.name().equals(name)
                && r.parallelism() == parallelism && r.input().equals(Measurement.TIME_BOXED)).toList();
        if (timeBoxed.isEmpty()) {
            return complete;
        }
        return !complete.isEmpty() && complete.stream().allMatch(VariantResult::correct) ? timeBoxed : List.of();
    }

    /** Backlog runs on the main dataset at {@code parallelism}. */
    private static List<VariantResult> mainRuns(List<VariantResult> results, String name, int parallelism) {
        Predicate<VariantResult> onMainInput = onMainInput(results);
        return results.stream().filter(r -> r.name().equals(name) && r.parallelism() == parallelism && onMainInput.test(r)).toList();
    }

    /** Whether a run read the whole main backlog (the dataset the first results are always on). */
    static Predicate<VariantResult> onMainInput(List<VariantResult> results) {
        long mainEvents = results.isEmpty() ? -1 : results.get(0).inputEvents();
        return r -> r.input().equals("backlog") && r.inputEvents() == mainEvents;
    }

    private static ResultsWriter.Target notMeasured(String name, String goal) {
        return new ResultsWriter.Target(name, goal, "–", "not measured (variant missing, failed or incorrect)");
    }
}
