package io.trendstream.serialization;

import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

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

    /**
     * Classifies what a Confluent Avro deserializer threw: the dead-letter reason if the record itself is at
     * fault, empty if the job should fail instead (registry unreachable, failing or refusing access).
     *
     * <p>Header problems are {@link DecodingException}s. A body that ends early ({@link EOFException}) or does not
     * decode or resolve to the reader schema (Avro throws runtime exceptions for those) is
     * {@link DeadLetterReason#UNDECODABLE}. Every other {@link IOException} comes from the registry client.
     */
    public static Optional<DeadLetterReason> deadLetterReasonOf(Throwable failure) {
        if (failure instanceof DecodingException decoding) {
            return Optional.of(decoding.reason());
        }
        if (failure instanceof EOFException || failure instanceof RuntimeException) {
            return Optional.of(DeadLetterReason.UNDECODABLE);
        }
        return Optional.empty();
    }
}
