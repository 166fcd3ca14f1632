package io.trendstream.sink;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Epoch milliseconds as the OffsetDateTime that PostgreSQL's JDBC driver binds to timestamptz. */
final class Timestamps {
    static OffsetDateTime of(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    static OffsetDateTime of(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private Timestamps() {}
}
