package io.trendstream.serialization;

import java.io.IOException;
import java.util.Objects;

import io.trendstream.records.DeadLetterReason;

/**
 * A record that cannot be decoded, with the reason it goes to the dead-letter queue. Only problems of the record
 * itself are decoding exceptions; an unavailable registry is a plain {@link IOException}, so the job fails and
 * restarts instead of dead-lettering every record.
 */
public final class DecodingException extends IOException {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public DecodingException(DeadLetterReason reason, String message) {
        this(reason, message, null);
    }

    public DecodingException(DeadLetterReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
