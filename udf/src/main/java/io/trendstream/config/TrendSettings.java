package io.trendstream.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the trend detector judges a window against its product's baseline.
 *
 * @param emaAlpha weight of the newest window in the exponential moving average, in (0, 1]
 * @param warmUpWindows windows a product must have had before it can raise an alert
 * @param mediumRatio observed / baseline at or above which an alert is MEDIUM
 * @param highRatio observed / baseline at or above which an alert is HIGH
 * @param baselineTtl event time without any window of a product after which its baseline is forgotten
 */
public record TrendSettings(double emaAlpha, int warmUpWindows, double mediumRatio, double highRatio, Duration baselineTtl)
        implements Serializable {

    /** Settings with the default baseline TTL. */
    public TrendSettings(double emaAlpha, int warmUpWindows, double mediumRatio, double highRatio) {
        this(emaAlpha, warmUpWindows, mediumRatio, highRatio, PipelineOptions.BASELINE_TTL.defaultValue());
    }

    public static TrendSettings defaults() {
        return new TrendSettings(
                PipelineOptions.EMA_ALPHA.defaultValue(),
                PipelineOptions.WARM_UP_WINDOWS.defaultValue(),
                PipelineOptions.MEDIUM_RATIO.defaultValue(),
                PipelineOptions.HIGH_RATIO.defaultValue(),
                PipelineOptions.BASELINE_TTL.defaultValue());
    }
}
