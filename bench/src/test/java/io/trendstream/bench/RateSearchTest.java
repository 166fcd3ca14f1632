package io.trendstream.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which paced rates the maximum-sustainable-throughput search runs, given which of them a variant kept up with. */
class RateSearchTest {
    private static final List<Long> LISTED = List.of(100_000L, 200_000L, 400_000L);

    @Test
    void runsEveryListedRateWhileEachIsKeptUpWith() {
        assertThat(ratesRun(Set.of(100_000L, 200_000L, 400_000L)))
                .containsExactly(100_000L, 200_000L, 400_000L, 800_000L, 600_000L, 500_000L);
    }

    @Test
    void doublesTheHighestRateWhenEveryListedOneWasKeptUpWithThenHalvesTheGap() {
        assertThat(ratesRun(Set.of(100_000L, 200_000L, 400_000L, 600_000L)))
                .containsExactly(100_000L, 200_000L, 400_000L, 800_000L, 600_000L, 700_000L);
    }

    @Test
    void stopsDoublingAfterThreeDoublingsAndSaysTheLimitWasNotFound() {
        List<Long> run = new ArrayList<>();
        RateSearch end = search(Set.of(100_000L, 200_000L, 400_000L, 800_000L, 1_600_000L, 3_200_000L), LISTED, run);
        assertThat(run).containsExactly(100_000L, 200_000L, 400_000L, 800_000L, 1_600_000L, 3_200_000L);
        assertThat(end.endedUnbounded()).isTrue();
        assertThat(search(Set.of(100_000L, 200_000L, 400_000L), LISTED, new ArrayList<>()).endedUnbounded()).isFalse();
    }

    @Test
    void halvesTheGapAboveTheHighestRateKeptUpWithTwice() {
        assertThat(ratesRun(Set.of(100_000L, 200_000L, 300_000L, 350_000L)))
                .containsExactly(100_000L, 200_000L, 400_000L, 300_000L, 350_000L);
        assertThat(ratesRun(Set.of(100_000L, 200_000L))).containsExactly(100_000L, 200_000L, 400_000L, 300_000L, 250_000L);
    }

    @Test
    void stopsOnceTheGapIsAQuarterOfTheHighestRateKeptUpWith() {
        assertThat(ratesRun(Set.of(100_000L, 200_000L, 230_000L), List.of(100_000L, 200_000L, 250_000L)))
                .containsExactly(100_000L, 200_000L, 250_000L);
    }

    @Test
    void stopsWhenTheFirstRateIsNotKeptUpWith() {
        assertThat(ratesRun(Set.of())).containsExactly(100_000L);
    }

    @Test
    void runsNothingWithoutRates() {
        assertThat(RateSearch.of(List.of()).next()).isEmpty();
    }

    private static List<Long> ratesRun(Set<Long> keptUpWith) {
        return ratesRun(keptUpWith, LISTED);
    }

    private static List<Long> ratesRun(Set<Long> keptUpWith, List<Long> listed) {
        List<Long> run = new ArrayList<>();
        search(keptUpWith, listed, run);
        return run;
    }

    /** Runs the search to its end, adding each rate run to {@code run}; returns the ended search. */
    private static RateSearch search(Set<Long> keptUpWith, List<Long> listed, List<Long> run) {
        RateSearch search = RateSearch.of(listed);
        while (search.next().isPresent()) {
            long rate = search.next().getAsLong();
            run.add(rate);
            search = search.after(rate, keptUpWith.contains(rate));
            assertThat(run).hasSizeLessThan(10);
        }
        return search;
    }
}
