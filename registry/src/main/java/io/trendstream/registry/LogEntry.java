package io.trendstream.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of the registry's compacted topic. The key names what the record is about (a subject version, or a
 * compatibility setting), so that compaction keeps only the newest state of each; keys and values are JSON.
 */
sealed interface LogEntry permits LogEntry.SchemaVersion, LogEntry.Config {

    ObjectMapper JSON = new ObjectMapper();

    /** A registered (or soft-deleted) version of a subject. */
    record SchemaVersion(RegisteredVersion version) implements LogEntry {
    }

    /** A compatibility level, global when {@code subject} is empty. */
    record Config(Optional<String> subject, CompatibilityLevel level) implements LogEntry {
    }

    default String key() {
        ObjectNode key = JSON.createObjectNode();
        if (this instanceof SchemaVersion entry) {
            key.put("keytype", "SCHEMA").put("subject", entry.version().subject()).put("version", entry.version().version());
        } else if (this instanceof Config entry) {
            key.put("keytype", "CONFIG").put("subject", entry.subject().orElse(null));
        }
        return key.toString();
    }

    default String value() {
        ObjectNode value = JSON.createObjectNode();
        if (this instanceof SchemaVersion entry) {
            RegisteredVersion version = entry.version();
            value.put("subject", version.subject())
                    .put("version", version.version())
                    .put("id", version.id())
                    .put("schema", version.schema())
                    .put("deleted", version.deleted());
        } else if (this instanceof Config entry) {
            value.put("compatibilityLevel", entry.level().name());
        }
        return value.toString();
    }

    /** Decodes a record; empty for tombstones and for key types this version does not know. */
    static Optional<LogEntry> decode(String key, String value) {
        if (key == null || value == null) {
            return Optional.empty();
        }
        try {
            JsonNode keyNode = JSON.readTree(key);
            JsonNode valueNode = JSON.readTree(value);
            switch (keyNode.path("keytype").asText()) {
                case "SCHEMA":
                    return Optional.of(new SchemaVersion(new RegisteredVersion(
                            valueNode.get("subject").asText(),
                            valueNode.get("version").asInt(),
                            valueNode.get("id").asInt(),
                            valueNode.get("schema").asText(),
                            valueNode.path("deleted").asBoolean(false))));
                case "CONFIG":
                    JsonNode subject = keyNode.path("subject");
                    return Optional.of(new Config(
                            subject.isTextual() ? Optional.of(subject.asText()) : Optional.empty(),
                            CompatibilityLevel.parse(valueNode.get("compatibilityLevel").asText())));
                default:
                    return Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt schema log record with key " + key, e);
        }
    }
}
