package io.trendstream.records;

/** Why a record went to the dead-letter queue. The names are what the DLQ's {@code reason} field holds. */
public enum DeadLetterReason {
    /** Not in the Confluent wire format (no magic byte 0, or shorter than its 5-byte header). */
    NOT_WIRE_FORMAT,
    /** The schema id is not known to the schema registry. */
    UNKNOWN_SCHEMA,
    /** The schema is known but the bytes do not decode with it, or it cannot be resolved to the reader schema. */
    UNDECODABLE,
    /** The record has no value at all (a tombstone). */
    EMPTY_RECORD,
    MISSING_EVENT_ID,
    MISSING_ORDER_ID,
    MISSING_USER_ID,
    MISSING_PRODUCT_ID,
    NO_LINE_ITEMS,
    NON_POSITIVE_QUANTITY,
    NON_POSITIVE_PRICE,
    /** A product's units in one order exceed an int, or its revenue in cents a long. */
    AMOUNT_OUT_OF_RANGE,
    EVENT_TIME_IN_FUTURE
}
