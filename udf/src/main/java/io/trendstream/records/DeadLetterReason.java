package io.trendstream.records;

/** Why a record went to the dead-letter queue. The names are what the DLQ's {@code reason} field holds. */
public enum DeadLetterReason {
    /** Not in the Confluent wire format (no magic byte 0, or shorter than its 5-byte header). */
    NOT_WIRE_FORMAT,
    /** The schema id is not known to the schema registry (HTTP 404, error 40403), negative ids included. */
    UNKNOWN_SCHEMA,
    /**
     * The schema id is registered, but its schema cannot be read as the topic's event: a frame of another subject
     * (e.g. a product view on the orders topic), or an incompatible version.
     */
    INCOMPATIBLE_SCHEMA,
    /** The schema is known and resolves, but the bytes do not decode with it (truncated, corrupt). */
    UNDECODABLE,
    /** The record has no value at all (a tombstone) or an empty one. */
    EMPTY_RECORD,
    MISSING_EVENT_ID,
    MISSING_ORDER_ID,
    MISSING_USER_ID,
    MISSING_PRODUCT_ID,
    /** A catalog record whose key is not its product id: compaction would keep or remove the wrong product. */
    PRODUCT_KEY_MISMATCH,
    /** A string field longer than {@code EventLimits.MAX_TEXT_LENGTH}. */
    TEXT_TOO_LONG,
    /** A string field with a NUL character or an unpaired UTF-16 surrogate: the database cannot store it. */
    INVALID_TEXT,
    NO_LINE_ITEMS,
    /** More line items than {@code EventLimits.MAX_LINE_ITEMS}. */
    TOO_MANY_LINE_ITEMS,
    NON_POSITIVE_QUANTITY,
    NON_POSITIVE_PRICE,
    /** A unit price with more decimal places than the currency's minor unit (cents). */
    PRICE_TOO_PRECISE,
    /** A quantity, unit price, or a product's units or revenue in one order beyond {@code EventLimits}. */
    AMOUNT_OUT_OF_RANGE,
    /** No event time, or one outside the years 1970 to 9999. */
    EVENT_TIME_OUT_OF_RANGE,
    EVENT_TIME_IN_FUTURE
}
