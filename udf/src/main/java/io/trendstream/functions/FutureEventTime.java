package io.trendstream.functions;

import io.trendstream.records.DeadLetterReason;

/** An event time far ahead of the wall clock is a producer bug, and would drag the watermark forward. */
final class FutureEventTime {

    static Rejection check(long eventTime, long nowMillis, long maxSkewMillis) {
        if (eventTime > nowMillis + maxSkewMillis) {
            return new Rejection(DeadLetterReason.EVENT_TIME_IN_FUTURE,
                    "event time " + java.time.Instant.ofEpochMilli(eventTime) + " is more than " + maxSkewMillis
                            + " ms ahead of the clock (" + java.time.Instant.ofEpochMilli(nowMillis) + ")");
        }
        return null;
    }

    private FutureEventTime() {}
}
