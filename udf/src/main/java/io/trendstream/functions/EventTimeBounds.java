package io.trendstream.functions;

import io.trendstream.records.DeadLetterReason;

import java.time.Instant;

/**
 * An event time must be one the database and Flink's window arithmetic can hold ({@link EventLimits#MIN_EVENT_TIME}
 * to {@link EventLimits#MAX_EVENT_TIME}), and not far ahead of the wall clock: that is a producer bug, and would
 * drag the watermark forward.
 */
final class EventTimeBounds {

    /**
     * Null when the event time is usable; compares instants, so that no conversion to millis can overflow.
     *
     * @param field the event time's name in the event's schema
     */
    static Rejection check(String field, Instant eventTime, long nowMillis, long maxSkewMillis) {
        if (eventTime == null) {
            return new Rejection(DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, "event has no event time", field);
        }
        if (eventTime.isBefore(EventLimits.MIN_EVENT_TIME) || eventTime.isAfter(EventLimits.MAX_EVENT_TIME)) {
            return new Rejection(DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, "event time " + eventTime
                    + " is outside " + EventLimits.MIN_EVENT_TIME + " to " + EventLimits.MAX_EVENT_TIME, field);
        }
        long latest = saturatedAdd(nowMillis, maxSkewMillis);
        if (eventTime.toEpochMilli() > latest) {
            return new Rejection(DeadLetterReason.EVENT_TIME_IN_FUTURE,
                    "event time " + eventTime + " is more than " + maxSkewMillis
                            + " ms ahead of the clock (" + Instant.ofEpochMilli(nowMillis) + ")", field);
        }
        return null;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private EventTimeBounds() {}
}
