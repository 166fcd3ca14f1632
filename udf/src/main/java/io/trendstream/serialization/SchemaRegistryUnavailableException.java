package io.trendstream.serialization;

import java.io.IOException;

/**
 * The schema registry could not be asked (connection refused, timeout, server error). Not the
 * record's fault: the job fails and restarts rather than dead-lettering every record.
 */
public class SchemaRegistryUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
