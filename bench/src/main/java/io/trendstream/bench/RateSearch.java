package io.trendstream.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * The rates of a maximum-sustainable-throughput search, one paced run each: the listed rates in turn until one is not
 * kept up with; then the gap between the highest rate kept up with and the lowest not is halved while it is more than
 * a quarter of the former, at most {@link #MAX_REFINEMENTS} times (doubling rates alone left the answer within a
 * factor of two: 200k kept up with, 400k not). A rate the generator could not write at its pace counts as not kept up
 * with: nothing is known of it or above it.
 *
 * @param listed the rates to try in turn ({@code --max-rates})
 * @param tried how many of them were run
 * @param highestKept the highest rate kept up with; 0 if none
 * @param lowestMissed the lowest rate not kept up with; 0 while every rate was
 * @param refinements how many rates between the two were run
 */
record RateSearch(List<Long> listed, int tried, long highestKept, long lowestMissed, int refinements) {

    static final int MAX_REFINEMENTS = 2;
    /** Rates between the listed ones are multiples of this. */
    static final long STEP = 10_000;

    static RateSearch of(List<Long> listed) {
        return new RateSearch(List.copyOf(listed), 0, 0, 0, 0);
    }

    /** The rate to run next; empty when the search is done. */
    OptionalLong next() {
        if (lowestMissed == 0) {
            return tried < listed.size() ? OptionalLong.of(listed.get(tried)) : OptionalLong.empty();
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
