package io.trendstream.generator;

import io.trendstream.records.DeadLetterReason;

/**
 * The kinds of broken records the generator mixes in, each with the dead-letter reason the job must give it: the
 * everyday kinds ({@code --malformed-share}) and the hostile ones ({@code --hostile-share}), records that once each
 * stopped the job (issue 10) and the rest of their class.
 */
public enum Malformation {
    /** Bytes that are not Confluent's wire format at all (a JSON text: no magic byte 0). */
    NOT_WIRE_FORMAT(DeadLetterReason.NOT_WIRE_FORMAT),
    /** A valid header and body, but the header names a schema id the registry never issued. */
    UNKNOWN_SCHEMA_ID(DeadLetterReason.UNKNOWN_SCHEMA),
    /** A valid header, but the Avro body is cut short. */
    TRUNCATED_BODY(DeadLetterReason.UNDECODABLE),
    /** A well-formed order whose only line has quantity 0. */
    ZERO_QUANTITY_ORDER(DeadLetterReason.NON_POSITIVE_QUANTITY),
    /** A well-formed view without a product id. */
    VIEW_WITHOUT_PRODUCT(DeadLetterReason.MISSING_PRODUCT_ID),

    /** Hostile: a valid view whose product id holds a NUL character, which PostgreSQL refuses in text. */
    NUL_IN_PRODUCT_ID(DeadLetterReason.INVALID_TEXT, true),
    /** Hostile: a valid view with a 100,000-character product id, beyond any index row. */
    HUNDRED_KB_PRODUCT_ID(DeadLetterReason.TEXT_TOO_LONG, true),
    /** Hostile: a valid order at event time Long.MIN_VALUE, Flink's "no timestamp" marker. */
    EVENT_TIME_LONG_MIN(DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, true),
    /** Hostile: a valid view at event time Long.MAX_VALUE. */
    EVENT_TIME_LONG_MAX(DeadLetterReason.EVENT_TIME_OUT_OF_RANGE, true),
    /** Hostile: an order whose unit price has more digits than its decimal type, as a careless producer writes it. */
    DECIMAL_OVERFLOW(DeadLetterReason.AMOUNT_OUT_OF_RANGE, true),
    /** Hostile: a valid order whose revenue (2 x 9,999,999,999.99) exceeds the database column. */
    REVENUE_BEYOND_COLUMN(DeadLetterReason.AMOUNT_OUT_OF_RANGE, true),
    /** Hostile: a valid body under schema id -1. */
    SCHEMA_ID_MINUS_ONE(DeadLetterReason.UNKNOWN_SCHEMA, true),
    /** Hostile: 1,048,500 bytes of garbage, just under the topic's limit: its dead letter must be cut to fit. */
    NEAR_LIMIT_VALUE(DeadLetterReason.NOT_WIRE_FORMAT, true),
    /** Hostile: up to 4 KiB of random bytes (not starting with the magic byte). */
    RANDOM_BYTES(DeadLetterReason.NOT_WIRE_FORMAT, true),
    /** Hostile: a key without a value. */
    TOMBSTONE(DeadLetterReason.EMPTY_RECORD, true),
    /** Hostile: a valid frame of the other topic's subject (a view on orders, an order on product views). */
    OTHER_SUBJECT(DeadLetterReason.INCOMPATIBLE_SCHEMA, true);

    private final DeadLetterReason reason;
    private final boolean hostile;

    Malformation(DeadLetterReason reason) {
        this(reason, false);
    }

    Malformation(DeadLetterReason reason, boolean hostile) {
        this.reason = reason;
        this.hostile = hostile;
    }

    /** Whether {@code --hostile-share} draws it (otherwise {@code --malformed-share} does). */
    public boolean hostile() {
        return hostile;
    }

    /** What the job's dead-letter record says about it. */
    public DeadLetterReason reason() {
        return reason;
    }
}
