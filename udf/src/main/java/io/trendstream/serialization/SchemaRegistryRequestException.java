package io.trendstream.serialization;

import java.io.IOException;

/**
 * The registry refused a request (a 4xx answer other than an unknown id): an incompatible schema, an unknown
 * subject, missing credentials. Retrying the same request does not help.
 */
public final class SchemaRegistryRequestException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryRequestException(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's error code, e.g. 409 or 40401; the HTTP status when the answer had none. */
    public int errorCode() {
        return errorCode;
    }
}
