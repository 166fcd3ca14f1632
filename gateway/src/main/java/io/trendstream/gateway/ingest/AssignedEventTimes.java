package io.trendstream.gateway.ingest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event times the gateway assigned to events identified by an {@code Idempotency-Key}, so that a retry of a
 * request without {@code event_time} gets the time of the first attempt: the job counts an event id once only within
 * one window, so a retry must keep the event's time. The most recent {@code capacity} keys are remembered (in
 * memory: a retry after a restart of the gateway or beyond that many newer keys gets a new time; clients that
 * retry late give {@code event_time} themselves).
 */
final class AssignedEventTimes {

    private final Map<String, Instant> times;

    AssignedEventTimes(int capacity) {
        this.times = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The time first assigned to {@code eventId}, or {@code now} if there was none (and now it is). */
    synchronized Instant assign(String eventId, Instant now) {
        return times.computeIfAbsent(eventId, id -> now);
    }
}
