package io.trendstream.serialization;

import java.util.Objects;

import org.apache.avro.Schema;

/** A version of a subject in the schema registry. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
