package io.trendstream.records;

/**
 * Activity that arrived after its window had closed for good (past the allowed lateness). It is
 * stored rather than dropped, so that nothing the producers sent is lost silently.
 *
 * @param watermarkAtArrival the operator's event-time watermark when the record was routed
 */
public record LateEvent(
        String eventId,
        String productId,
        ActivityKind kind,
        long eventTime,
        long windowStart,
        int units,
        long revenueCents,
        long watermarkAtArrival) {}
