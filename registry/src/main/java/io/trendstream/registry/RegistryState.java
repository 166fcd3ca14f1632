package io.trendstream.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The registry's state: what its topic holds, folded in log order. Not thread-safe; {@link SchemaRegistry} guards
 * it.
 *
 * <p>Ids are global: a schema keeps the id it got first, whichever subject registers it later. Versions are per
 * subject and never reused, not even after a soft delete.
 */
final class RegistryState {

    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, NavigableMap<Integer, RegisteredVersion>> subjects = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int maxId;

    void apply(LogEntry entry) {
        if (entry instanceof LogEntry.SchemaVersion schemaVersion) {
            RegisteredVersion version = schemaVersion.version();
            schemasById.putIfAbsent(version.id(), version.schema());
            idsBySchema.putIfAbsent(version.schema(), version.id());
            subjects.computeIfAbsent(version.subject(), s -> new TreeMap<>()).put(version.version(), version);
            maxId = Math.max(maxId, version.id());
        } else if (entry instanceof LogEntry.Config config) {
            config.subject().ifPresentOrElse(
                    subject -> subjectLevels.put(subject, config.level()),
                    () -> globalLevel = config.level());
        }
    }

    /** Subjects with at least one live (not deleted) version, sorted. */
    List<String> liveSubjects() {
        TreeSet<String> live = new TreeSet<>();
        subjects.forEach((subject, versions) -> {
            if (versions.values().stream().anyMatch(v -> !v.deleted())) {
                live.add(subject);
            }
        });
        return List.copyOf(live);
    }

    /** Live versions of a subject, oldest first. */
    List<RegisteredVersion> liveVersions(String subject) {
        NavigableMap<Integer, RegisteredVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(v -> !v.deleted()).toList();
    }

    Optional<RegisteredVersion> liveVersion(String subject, int version) {
        NavigableMap<Integer, RegisteredVersion> versions = subjects.get(subject);
        return Optional.ofNullable(versions == null ? null : versions.get(version)).filter(v -> !v.deleted());
    }

    Optional<RegisteredVersion> liveVersionOf(String subject, String schema) {
        return liveVersions(subject).stream().filter(v -> v.schema().equals(schema)).findFirst();
    }

    /** Schemas stay readable by id after their subject is soft-deleted: old records still carry the id. */
    Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    Optional<Integer> idOf(String schema) {
        return Optional.ofNullable(idsBySchema.get(schema));
    }

    int nextId() {
        return maxId + 1;
    }

    int nextVersion(String subject) {
        NavigableMap<Integer, RegisteredVersion> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    }

    /** Live versions of every subject that use this id. */
    List<RegisteredVersion> versionsWithId(int id) {
        List<RegisteredVersion> result = new ArrayList<>();
        new TreeMap<>(subjects).forEach((subject, versions) -> versions.values().stream()
                .filter(v -> v.id() == id && !v.deleted())
                .forEach(result::add));
        return result;
    }

    CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }
}
