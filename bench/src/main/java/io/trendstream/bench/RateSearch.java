package io.trendstream.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * The rates of a maximum-sustainable-throughput search, one paced run each: the listed rates in turn until one is not
 * kept up with; if every one was, the highest doubled, at most {@link #MAX_DOUBLINGS} times, until one is not (a
 * search that ends on a rate kept up with has found its own limit, not the job's: the 2026-12-05 run kept up with all
 * of 100k, 200k and 400k); then the gap between the highest rate kept up with and the lowest not is halved while it is
 * more than a quarter of the former, at most {@link #MAX_REFINEMENTS} times (doubling rates alone left the answer
 * within a factor of two: 200k kept up with, 400k not). A rate the generator could not write at its pace counts as not
 * kept up with: nothing is known of it or above it.
 *
 * @param listed the rates to try in turn ({@code --max-rates})
 * @param tried how many rates were run before any was missed: the listed ones, then the doublings
 * @param highestKept the highest rate kept up with; 0 if none
 * @param lowestMissed the lowest rate not kept up with; 0 while every rate was
 * @param refinements how many rates between the two were run
 */
record RateSearch(List<Long> listed, int tried, long highestKept, long lowestMissed, int refinements) {

    static final int MAX_REFINEMENTS = 2;
    static final int MAX_DOUBLINGS = 3;
    /** Rates between the listed ones are multiples of this. */
    static final long STEP = 10_000;

    static RateSearch of(List<Long> listed) {
        return new RateSearch(List.copyOf(listed), 0, 0, 0, 0);
    }

    /** Whether the search ended without finding a rate the variant did not keep up with. */
    boolean endedUnbounded() {
        return lowestMissed == 0 && highestKept > 0;
    }

    /** The rate to run next; empty when the search is done. */
    OptionalLong next() {
        if (lowestMissed == 0) {
            if (tried < listed.size()) {
                return OptionalLong.of(listed.get(tried));
            }
            boolean doubling = highestKept > 0 && tried - listed.size() < MAX_DOUBLINGS;
            return doubling ? OptionalLong.of(2 * highestKept) : OptionalLong.empty();
        }
        long gap = lowestMissed - highestKept;
        long between = highestKept + gap / 2 / STEP * STEP;
        boolean worthARun = highestKept > 0 && gap * 4 > highestKept && between > highestKept;
        return worthARun && refinements < MAX_REFINEMENTS ? OptionalLong.of(between) : OptionalLong.empty();
    }

    /** The search after a run at {@code rate}, the one {@link #next()} gave. */
    RateSearch after(long rate, boolean keptUp) {
        boolean refining = lowestMissed != 0;
        return new RateSearch(listed, refining ? tried : tried + 1,
                keptUp ? Math.max(highestKept, rate) : highestKept,
                keptUp ? lowestMissed : (lowestMissed == 0 ? rate : Math.min(lowestMissed, rate)),
                refining ? refinements + 1 : refinements);
    }
}
