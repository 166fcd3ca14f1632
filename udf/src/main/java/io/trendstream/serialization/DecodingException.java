package io.trendstream.serialization;

import io.trendstream.records.DeadLetterReason;

import java.io.IOException;

/** A record that is not decodable for a reason of its own: it belongs in the dead-letter queue. */
public class DecodingException extends IOException {
    private static final long serialVersionUID = 1L;
    private final DeadLetterReason reason;

    public DecodingException(DeadLetterReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
