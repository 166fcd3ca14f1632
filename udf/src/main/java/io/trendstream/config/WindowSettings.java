package io.trendstream.config;

import java.io.Serializable;
import java.time.Duration;

/** Event-time settings: the window, how late an event may be, and how watermarks advance. */
public record WindowSettings(Duration size, Duration allowedLateness, Duration outOfOrderness, Duration idleness)
        implements Serializable {

    /** Start of the tumbling window that holds {@code eventTime}. */
    public long windowStart(long eventTime) {
        long sizeMillis = size.toMillis();
        return eventTime - Math.floorMod(eventTime, sizeMillis);
    }
}
