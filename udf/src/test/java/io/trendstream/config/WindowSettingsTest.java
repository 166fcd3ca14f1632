package io.trendstream.config;

import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The start of the tumbling window that holds an event time, as Flink's tumbling windows assign it. */
class WindowSettingsTest {

    private static WindowSettings ofSize(Duration size) {
        return new WindowSettings(size, Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofMinutes(1));
    }

    private static final WindowSettings FIVE_MINUTES = ofSize(Duration.ofMinutes(5));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 0",
            "1, 0",
            "299999, 0",
            "300000, 300000",
            "300001, 300000",
            "-1, -300000",
            "-299999, -300000",
            "-300000, -300000",
            "-300001, -600000"})
    void startsAtTheLastMultipleOfTheSizeAtOrBeforeTheEventTime(long eventTime, long expectedStart) {
        assertThat(FIVE_MINUTES.windowStart(eventTime)).isEqualTo(expectedStart);
    }

    @Test
    void alignsToTheEpochNotToTheHourOfDay() {
        WindowSettings sevenMinutes = ofSize(Duration.ofMinutes(7));
        long tenOClock = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

        long start = sevenMinutes.windowStart(tenOClock);

        assertThat(start % Duration.ofMinutes(7).toMillis()).isZero();
        assertThat(start).isLessThanOrEqualTo(tenOClock).isGreaterThan(tenOClock - Duration.ofMinutes(7).toMillis());
    }

    @Test
    void aWindowStartIsItsOwnStart() {
        long start = Instant.parse("2026-11-22T10:05:00Z").toEpochMilli();

        assertThat(FIVE_MINUTES.windowStart(start)).isEqualTo(start);
        assertThat(FIVE_MINUTES.windowStart(start - 1)).isEqualTo(start - 300_000);
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, -1L, 59_999L, -60_000L, -60_001L, 1_763_805_600_123L, -1_763_805_600_123L,
            Long.MAX_VALUE, Long.MIN_VALUE + 300_000L})
    void agreesWithFlinksTumblingWindowAssignment(long eventTime) {
        for (Duration size : new Duration[] {Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)}) {
            assertThat(ofSize(size).windowStart(eventTime))
                    .as("size %s, event time %d", size, eventTime)
                    .isEqualTo(TimeWindow.getWindowStartWithOffset(eventTime, 0, size.toMillis()));
        }
    }
}
