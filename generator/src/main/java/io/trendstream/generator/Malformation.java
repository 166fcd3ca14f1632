package io.trendstream.generator;

import io.trendstream.records.DeadLetterReason;

/** The kinds of broken records the generator mixes in, each with the dead-letter reason the job must give it. */
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
    VIEW_WITHOUT_PRODUCT(DeadLetterReason.MISSING_PRODUCT_ID);

    private final DeadLetterReason reason;

    Malformation(DeadLetterReason reason) {
        this.reason = reason;
    }

    /** What the job's dead-letter record says about it. */
    public DeadLetterReason reason() {
        return reason;
    }
}
