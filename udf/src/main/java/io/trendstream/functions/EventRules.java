package io.trendstream.functions;

import java.io.Serializable;

/** What the pipeline needs to know about one kind of input event. */
public interface EventRules<T> extends Serializable {

    /** The producer-assigned id that identifies retries of the same event. */
    String eventId(T event);

    /** Event time in epoch milliseconds. */
    long eventTime(T event);

    /** Null when the event is usable; otherwise why it is not. */
    Rejection validate(T event, long nowMillis);
}
