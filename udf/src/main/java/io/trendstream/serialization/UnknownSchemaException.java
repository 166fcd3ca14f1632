package io.trendstream.serialization;

import java.io.IOException;

/** The registry does not know a schema id (HTTP 404, error code 40403): the record cannot be decoded, ever. */
public final class UnknownSchemaException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int schemaId;

    public UnknownSchemaException(int schemaId, String message) {
        super(message);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
