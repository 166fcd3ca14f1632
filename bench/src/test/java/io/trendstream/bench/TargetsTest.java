package io.trendstream.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How the runs of one invocation are judged against the ceiling target. */
class TargetsTest {
    private static final BenchOptions OPTIONS = BenchOptions.parse(new String[] {"--parallelism", "2"});

    @Test
    void oneRunOfEachIsJudgedOnItsRatio() {
        ResultsWriter.Target target = Targets.pipelineVsCeiling(List.of(
                run("ceiling", 2, 3_000_000, 100_000.0), run("pipeline", 2, 3_000_000, 65_000.0)), OPTIONS);

        assertThat(target.measured()).isEqualTo("0.65 x");
        assertThat(target.verdict()).isEqualTo("met");
    }

    @Test
    void repeatedPairsAreJudgedOnTheMedianRatioOfRunsTakenInTurn() {
        List<VariantResult> results = new ArrayList<>(List.of(
                run("ceiling", 2, 3_000_000, 100_000.0), run("pipeline", 2, 3_000_000, 80_000.0),
                run("streams", 2, 3_000_000, 9_000.0),
                run("ceiling", 2, 3_000_000, 200_000.0), run("pipeline", 2, 3_000_000, 100_000.0),
                run("ceiling", 2, 3_000_000, 100_000.0), run("pipeline", 2, 3_000_000, 55_000.0),
                // other parallelism and another input size: not pairs
                run("pipeline", 1, 3_000_000, 1_000.0), run("pipeline", 2, 1_000_000, 1_000.0)));

        ResultsWriter.Target target = Targets.pipelineVsCeiling(results, OPTIONS);

        assertThat(target.measured()).isEqualTo("0.55 x (median of 3 pairs: 0.80, 0.50, 0.55)");
        assertThat(target.verdict()).isEqualTo("missed");
    }

    @Test
    void aFailedRunInAnyPairLeavesTheTargetUnjudged() {
        List<VariantResult> results = List.of(
                run("ceiling", 2, 3_000_000, 100_000.0), run("pipeline", 2, 3_000_000, 80_000.0),
                run("ceiling", 2, 3_000_000, 100_000.0), failed("pipeline", 2, 3_000_000));

        assertThat(Targets.pipelineVsCeiling(results, OPTIONS).verdict()).startsWith("not measured");
    }

    private static VariantResult run(String name, int parallelism, long events, double eventsPerSecond) {
        return result(name, parallelism, events, true, eventsPerSecond);
    }

    private static VariantResult failed(String name, int parallelism, long events) {
        return result(name, parallelism, events, false, null);
    }

    private static VariantResult result(String name, int parallelism, long events, boolean correct, Double eventsPerSecond) {
        return new VariantResult(name, "", parallelism, events, events, correct ? "ok" : "FAILED", correct, "", List.of(),
                eventsPerSecond, 10.0, 5.0, 0, 0, null, null, null, null, null, null, null, null, 10.0);
    }
}
