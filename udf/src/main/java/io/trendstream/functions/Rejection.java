package io.trendstream.functions;

import io.trendstream.records.DeadLetterReason;

import java.util.Objects;

/**
 * Why an event was refused: a reason code for machines, a sentence for people, and the field at fault, so that a
 * client can be pointed at it without reading the sentence.
 *
 * @param field the field at fault as the event's schema names it, a line item's with its index
 *     ({@code lineItems[2].unitPrice}), or {@code key} for a catalog record's Kafka key; never null: a rule that
 *     judges several fields together names the one that holds them ({@code lineItems} for an order's totals per
 *     product)
 */
public record Rejection(DeadLetterReason reason, String detail, String field) {

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(field, "field");
    }
}
