package io.trendstream.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How the heap check's live-heap samples are reported. */
class MeasurementTest {
    private static final long MIB = 1 << 20;

    @Test
    void aRunsLiveHeapIsReportedWithTheCountMedianPeakAndThePeaksOfItsFirstAndLastThirds() {
        List<Long> samples = List.of(90 * MIB, 100 * MIB, 95 * MIB, 120 * MIB, 98 * MIB, 97 * MIB, 110 * MIB, 99 * MIB, 105 * MIB);

        assertThat(Measurement.liveHeapSummary(samples, 0)).isEqualTo("live heap after 9 full collections: median 99 MiB,"
                + " peak 120 MiB; peak of the first and last thirds 100 and 110 MiB");
    }

    @Test
    void aShortRunHasNoThirdsAndMissedRequestsAreCounted() {
        assertThat(Measurement.liveHeapSummary(List.of(80 * MIB, 70 * MIB), 1))
                .isEqualTo("live heap after 2 full collections: median 80 MiB, peak 80 MiB (1 requests ran none)");
        assertThat(Measurement.liveHeapSummary(List.of(), 3)).isEqualTo("no live heap measured (3 requests ran none)");
    }
}
