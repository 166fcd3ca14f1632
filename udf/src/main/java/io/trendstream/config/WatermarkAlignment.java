package io.trendstream.config;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How far ahead in event time the orders and views sources may read of the slowest of their partitions (Flink's
 * watermark alignment, per split). In a catch-up one source runs ahead of the other (fewer records per minute of event
 * time), and the window stage must hold everything it reads until the watermark, held back by the other, closes those
 * windows: past {@code window.held-activities} that goes to the state backend. Aligned, it waits instead. None of it
 * changes a result.
 *
 * <p>A split may get at most {@code maxDrift} ahead of the minimum the sources last reported; the minimum is
 * reported every {@code watermark.interval} (Flink's {@code pipeline.auto-watermark-interval}) and compared every
 * {@code updateInterval}, so a replay reads at most about {@code maxDrift} of event time per report cycle: a drift too
 * small for the interval throttles a catch-up. A split is checked against the limit when it emits a watermark, so it
 * reads past the limit by what it reads in one {@code watermark.interval}.
 *
 * @param maxDrift how far ahead of the slowest partition a partition may read, in event time
 *     ({@code watermark.alignment.max-drift}; zero: no alignment)
 * @param updateInterval how often the sources' watermarks are compared ({@code watermark.alignment.update-interval})
 */
public record WatermarkAlignment(Duration maxDrift, Duration updateInterval) implements Serializable {

    /** The group the orders and views sources align in; the catalog has no event time and is in none. */
    public static final String GROUP = "trendstream-event-time";

    public WatermarkAlignment {
        Objects.requireNonNull(maxDrift, "maxDrift");
        Objects.requireNonNull(updateInterval, "updateInterval");
        if (maxDrift.isNegative()) {
            throw new IllegalArgumentException("maxDrift must not be negative, was " + maxDrift);
        }
        if (updateInterval.isNegative() || updateInterval.isZero()) {
            throw new IllegalArgumentException("updateInterval must be longer than zero, was " + updateInterval);
        }
    }

    public static WatermarkAlignment defaults() {
        return new WatermarkAlignment(PipelineOptions.ALIGNMENT_MAX_DRIFT.defaultValue(),
                PipelineOptions.ALIGNMENT_UPDATE_INTERVAL.defaultValue());
    }

    public boolean enabled() {
        return !maxDrift.isZero();
    }

    /** {@code strategy} with this alignment, in {@link #GROUP}; unchanged if alignment is off. */
    public <T> WatermarkStrategy<T> applyTo(WatermarkStrategy<T> strategy) {
        return enabled() ? strategy.withWatermarkAlignment(GROUP, maxDrift, updateInterval) : strategy;
    }
}
