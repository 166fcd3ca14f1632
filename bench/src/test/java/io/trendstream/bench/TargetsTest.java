package io.trendstream.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the runs of one invocation are judged against issue 12's targets. */
class TargetsTest {
    private static final BenchOptions OPTIONS = BenchOptions.parse(new String[] {"--parallelism", "2"});

    @Test
    void oneRunOfEachIsJudgedOnItsRatio() {
        ResultsWriter.Target target = Targets.pairedRatio(List.of(
                run("ceiling", 2, 3_000_000, 100_000.0), run("pipeline", 2, 3_000_000, 85_000.0)), OPTIONS, "ceiling", 0.8);

        assertThat(target.measured()).isEqualTo("0.85 x");
        assertThat(target.verdict()).isEqualTo("met");
    }

    @Test
    void repeatedPairsAreJudgedOnTheMedianRatioOfRunsTakenInTurn() {
        List<VariantResult> results = new ArrayList<>(List.of(
                run("ceiling", 2, 3_000_000, 100_000.0), run("pipeline", 2, 3_000_000, 80_000.0),
                run("kafka-streams", 2, 3_000_000, 9_000.0),
                run("ceiling", 2, 3_000_000, 200_000.0), run("pipeline", 2, 3_000_000, 100_000.0),
                run("ceiling", 2, 3_000_000, 100_000.0), run("pipeline", 2, 3_000_000, 55_000.0),
                // other parallelism, another input size, paced input: not pairs
                run("pipeline", 1, 3_000_000, 1_000.0), run("pipeline", 2, 1_000_000, 1_000.0),
                paced("pipeline", 10_000, 1_000L)));

        ResultsWriter.Target target = Targets.pairedRatio(results, OPTIONS, "ceiling", 0.8);

        assertThat(target.measured()).isEqualTo("0.55 x (median of 3 pairs: 0.80, 0.50, 0.55; spread 0.50-0.80)");
        assertThat(target.verdict()).isEqualTo("missed");
        // The peer ran once: one pair, the first pipeline run.
        assertThat(Targets.pairedRatio(results, OPTIONS, "kafka-streams", 2.0).measured()).isEqualTo("8.89 x");
    }

    @Test
    void aFailedRunInAnyPairLeavesTheTargetUnjudged() {
        List<VariantResult> results = List.of(
                run("ceiling", 2, 3_000_000, 100_000.0), run("pipeline", 2, 3_000_000, 80_000.0),
                run("ceiling", 2, 3_000_000, 100_000.0), failed("pipeline", 2, 3_000_000));

        assertThat(Targets.pairedRatio(results, OPTIONS, "ceiling", 0.8).verdict()).startsWith("not measured");
        assertThat(Targets.pairedRatio(results, OPTIONS, "flink-sql", 1.0).verdict()).startsWith("not measured");
    }

    @Test
    void timeBoxedRunsMeasureThroughputOnceEachVariantsCompleteRunWasCorrect() {
        List<VariantResult> results = new ArrayList<>(List.of(
                run("ceiling", 2, 3_000_000, 500_000.0), run("pipeline", 2, 3_000_000, 100_000.0),
                run("kafka-streams", 2, 3_000_000, 10_000.0),
                timeBoxed("ceiling", 400_000.0), timeBoxed("pipeline", 300_000.0), timeBoxed("kafka-streams", 100_000.0),
                timeBoxed("ceiling", 600_000.0), timeBoxed("pipeline", 300_000.0), timeBoxed("kafka-streams", 100_000.0)));

        // The complete runs' rates (0.2 x, 10 x) count for nothing: the time-boxed pairs' are 0.75 and 0.5.
        assertThat(Targets.pairedRatio(results, OPTIONS, "ceiling", 0.8).measured())
                .isEqualTo("0.63 x (median of 2 pairs: 0.75, 0.50; spread 0.50-0.75)");
        assertThat(Targets.pairedRatio(results, OPTIONS, "kafka-streams", 2.0).measured()).startsWith("3.00 x");

        // A variant whose complete run was wrong has no speed to compare, however fast its time-boxed runs were.
        results.set(2, failed("kafka-streams", 2, 3_000_000));
        assertThat(Targets.pairedRatio(results, OPTIONS, "kafka-streams", 2.0).verdict()).startsWith("not measured");
    }

    @Test
    void theSummaryShowsEachVariantsSpeedFromTheRunsItsTargetsAreJudgedOn() {
        List<VariantResult> results = List.of(
                run("ceiling", 2, 3_000_000, 500_000.0), run("pipeline", 2, 3_000_000, 100_000.0),
                failed("kafka-streams", 2, 3_000_000),
                timeBoxed("ceiling", 400_000.0), timeBoxed("pipeline", 300_000.0), timeBoxed("kafka-streams", 100_000.0),
                timeBoxed("ceiling", 600_000.0), timeBoxed("pipeline", 300_000.0), timeBoxed("kafka-streams", 100_000.0),
                heap(1_000));

        String summary = ResultsWriter.summary("a machine", "bin/bench", results, Targets.evaluate(results, OPTIONS));

        assertThat(summary)
                .contains("| ceiling p2 | 2 | 500,000 | 400,000–600,000 |")
                .contains("| pipeline p2 | 2 | 300,000 | 300,000–300,000 |")
                // as in its target: no speed for a variant whose complete run was wrong
                .contains("| kafka-streams p2 | 0 (its complete run was not correct) | – | – | – |")
                // the heap check's backlog runs measure heap, not throughput
                .doesNotContain("| " + BenchmarkMain.HEAP_RUN + " p2 |");
    }

    @Test
    void latencyIsJudgedOnThePacedRunAtTheMainCheckpointIntervalAgainstOutOfOrdernessPlusIntervalPlusOneSecond() {
        // defaults: out-of-orderness 5 s, checkpoint interval 10 s -> bound 16 s
        assertThat(Targets.latency(List.of(paced("pipeline", 10_000, 16_000L)), OPTIONS).verdict()).isEqualTo("met");
        assertThat(Targets.latency(List.of(paced("pipeline", 10_000, 16_001L)), OPTIONS).verdict()).isEqualTo("missed");
        // the 1 s checkpoint run is reported, not judged; a backlog's latency is from the watermark, not judged
        assertThat(Targets.latency(List.of(paced("pipeline", 1_000, 3_000L), run("pipeline", 2, 3_000_000, 1.0)), OPTIONS)
                .verdict()).startsWith("not measured");
    }

    @Test
    void peakHeapAfterGcMayGrowAtMostTenPercentFromOneToTenTimesTheSkewedInput() {
        assertThat(Targets.heap(List.of(heap(1_000), tenfoldHeap(1_100)), true).verdict()).isEqualTo("met");
        assertThat(Targets.heap(List.of(heap(1_000), tenfoldHeap(1_101)), true).verdict()).isEqualTo("missed");
        assertThat(Targets.heap(List.of(heap(1_000)), true).verdict()).startsWith("not measured");
        assertThat(Targets.heap(List.of(tenfoldHeap(1_000)), true).verdict()).startsWith("not measured");
    }

    @Test
    void theOneTimesSideIsTheHighestPeakOfItsRepeatedRunsSoThatBothSidesAreEqualDraws() {
        // The 10x run samples its live heap ten times as long as one 1x run: its peak is the highest of a larger draw.
        ResultsWriter.Target target = Targets.heap(List.of(heap(900), heap(1_000), heap(950), tenfoldHeap(1_050)), true);

        assertThat(target.measured()).isEqualTo("1000 -> 1050 MiB (+5 %; 1x runs: 900, 1000, 950)");
        assertThat(target.verdict()).isEqualTo("met");
        // A heap that grows with the input is still caught, however many 1x runs there are.
        assertThat(Targets.heap(List.of(heap(900), heap(1_000), heap(950), tenfoldHeap(1_200)), true).verdict())
                .isEqualTo("missed");
        // Every run must be correct, and there is exactly one 10x run.
        assertThat(Targets.heap(List.of(heap(1_000), failedHeap(), tenfoldHeap(1_050)), true).verdict())
                .startsWith("not measured");
        assertThat(Targets.heap(List.of(heap(1_000), tenfoldHeap(1_050), tenfoldHeap(1_050)), true).verdict())
                .startsWith("not measured");
    }

    @Test
    void theEvenAndTheSkewedHeapChecksAreJudgedEachOnItsOwnRuns() {
        List<VariantResult> results = List.of(heap(1_000), tenfoldHeap(1_050), evenHeap(500), evenHeap(520), tenfoldEvenHeap(600));

        ResultsWriter.Target even = Targets.heap(results, false);
        assertThat(even.name()).isEqualTo("pipeline peak heap after GC, input 1x -> 10x");
        assertThat(even.measured()).isEqualTo("520 -> 600 MiB (+15 %; 1x runs: 500, 520)");
        assertThat(even.verdict()).isEqualTo("missed");
        ResultsWriter.Target skewed = Targets.heap(results, true);
        assertThat(skewed.name()).isEqualTo("pipeline peak heap after GC, skewed input 1x -> 10x");
        assertThat(skewed.measured()).isEqualTo("1000 -> 1050 MiB (+5 %; 1x runs: 1000)");
        assertThat(skewed.verdict()).isEqualTo("met");
        assertThat(Targets.heap(List.of(heap(1_000), tenfoldHeap(1_050)), false).verdict()).startsWith("not measured");
    }

    private static VariantResult run(String name, int parallelism, long events, double eventsPerSecond) {
        return result(name, parallelism, events, "backlog", true, eventsPerSecond, 10_000, null, 0);
    }

    private static VariantResult timeBoxed(String name, double eventsPerSecond) {
        return result(name, 2, 40_000_000, Measurement.TIME_BOXED, true, eventsPerSecond, 10_000, null, 0);
    }

    private static VariantResult failed(String name, int parallelism, long events) {
        return result(name, parallelism, events, "backlog", false, null, 10_000, null, 0);
    }

    private static VariantResult paced(String name, long checkpointInterval, Long p99) {
        return result(name, 2, 70_000, "paced 1,000/s", true, 1_000.0, checkpointInterval, p99, 0);
    }

    private static VariantResult heap(long heapAfterGcMb) {
        return result(BenchmarkMain.HEAP_RUN, 2, 100_000, "backlog", true, 1_000.0, 10_000, null, heapAfterGcMb);
    }

    private static VariantResult tenfoldHeap(long heapAfterGcMb) {
        return result(BenchmarkMain.HEAP_RUN, 2, 1_000_000, "backlog", true, 1_000.0, 10_000, null, heapAfterGcMb);
    }

    private static VariantResult failedHeap() {
        return result(BenchmarkMain.HEAP_RUN, 2, 100_000, "backlog", false, null, 10_000, null, 1_000);
    }

    private static VariantResult evenHeap(long heapAfterGcMb) {
        return result(BenchmarkMain.EVEN_HEAP_RUN, 2, 100_000, "backlog", true, 1_000.0, 10_000, null, heapAfterGcMb);
    }

    private static VariantResult tenfoldEvenHeap(long heapAfterGcMb) {
        return result(BenchmarkMain.EVEN_HEAP_RUN, 2, 1_000_000, "backlog", true, 1_000.0, 10_000, null, heapAfterGcMb);
    }

    /** A correct time-boxed run whose variant threads used {@code cpu} CPU s per million events, by {@code groups}. */
    static VariantResult withCpuByThreads(String name, double cpu, Map<String, Double> groups) {
        return new VariantResult(name, "", 2, Measurement.TIME_BOXED, false, 1_000_000, 1_000_000, "ok", true, "",
                List.of(), 1_000.0, 70.0, cpu, cpu, groups, 0, 0, 0, null, null, null, 10_000, 5_000,
                7L, null, null, null, null, null, null, null, null, 70.0);
    }

    private static VariantResult result(String name, int parallelism, long events, String input, boolean correct,
                                        Double eventsPerSecond, long checkpointInterval, Long p99, long heapAfterGcMb) {
        return new VariantResult(name, "", parallelism, input, false, events, events, correct ? "ok" : "FAILED", correct, "",
                List.of(), eventsPerSecond, 70.0, 5.0, 4.0, Map.of(), 0, heapAfterGcMb, 0, null, null, null, checkpointInterval, 5_000,
                7L, null, null, null, p99 == null ? null : "window end (wall clock)", null, p99, p99, null, 70.0);
    }
}
