package io.trendstream.registry;

import java.util.Objects;

/** One version of a subject as the registry keeps it. {@code schema} is Avro's normalised JSON of the schema. */
public record RegisteredVersion(String subject, int version, int id, String schema, boolean deleted) {

    public RegisteredVersion {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }

    RegisteredVersion softDeleted() {
        return new RegisteredVersion(subject, version, id, schema, true);
    }
}
