package io.trendstream.gateway.ingest;

/**
 * Why one event of a request cannot be ingested: the JSON field (as the client wrote it, e.g.
 * {@code items[2].price}, or null when no single field is at fault), a reason code (the job's dead-letter reasons
 * for rule violations, {@code MALFORMED}, {@code UNKNOWN_FIELD} or {@code WRONG_TYPE} for the JSON), and a sentence.
 */
public record InvalidEvent(int index, String field, String reason, String message) {

    /** The same problem for the event at {@code index} of a batch. */
    InvalidEvent at(int index) {
        return new InvalidEvent(index, field, reason, message);
    }
}
