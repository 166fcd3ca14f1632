package io.trendstream.serialization;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.Optional;

import io.trendstream.records.DeadLetterReason;

/**
 * A record that cannot be decoded, with the reason it goes to the dead-letter queue. Only problems of the record
 * itself are decoding exceptions; a failing registry is a {@link SchemaRegistryUnavailableException} or
 * {@link SchemaRegistryRequestException}, so the job fails and restarts instead of dead-lettering every record.
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
     * fault, empty if the job should fail instead because the registry failed (unreachable, failing, refusing
     * access, or the call was interrupted), anywhere in the cause chain.
     *
     * <p>Header problems, unknown ids and writer schemas the reader schema cannot read are {@link DecodingException}s
     * with their own reason. Anything else, such as a body that ends early, is {@link DeadLetterReason#UNDECODABLE}.
     */
    public static Optional<DeadLetterReason> deadLetterReasonOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException || t instanceof SchemaRegistryRequestException
                    || t instanceof InterruptedIOException) {
                return Optional.empty();
            }
        }
        return Optional.of(failure instanceof DecodingException decoding ? decoding.reason() : DeadLetterReason.UNDECODABLE);
    }
}
