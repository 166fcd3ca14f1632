package io.trendstream.cluster;

import java.time.Duration;
import java.time.Instant;

/**
 * How one injected fault was recovered from, as seen from outside: when the fault was injected, when it was cleared
 * (the component started again; the injection itself for a fault that needs no repair), and how long after the
 * injection all tasks were running again, the first checkpoint triggered after the injection completed, and the
 * database received rows again.
 */
record Recovery(String fault, Instant injected, Instant cleared, Duration running, Duration checkpoint,
        Duration rowsFlowing, long restarts) {

    Duration clearedToRowsFlowing() {
        return rowsFlowing.minus(Duration.between(injected, cleared));
    }
}
