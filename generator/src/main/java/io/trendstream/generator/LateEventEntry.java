package io.trendstream.generator;

import java.util.Objects;

import io.trendstream.records.ActivityKind;

/**
 * One product's part of an event sent far too late, as the job's {@code late_events} table keys it (an order of
 * two products is two entries with the same event id).
 */
public record LateEventEntry(String eventId, String productId, ActivityKind kind, long eventTime) {

    public LateEventEntry {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(kind, "kind");
    }
}
