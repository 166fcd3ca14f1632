package io.trendstream.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.avro.Schema;

/**
 * The registry's operations, independent of HTTP: registration with compatibility checks, look-ups, soft deletes
 * and compatibility settings.
 *
 * <p>Single writer: every change is appended to the {@link SchemaLog} and applied to the in-memory state only once
 * the broker has acknowledged it, all under one lock. Ids and versions are therefore assigned without gaps or
 * clashes as long as one registry instance writes to a topic; running two writers on one topic is not supported.
 *
 * <p>Identity of a schema is Avro's normalised JSON of the parsed schema ({@link Schema#toString()}): layout and
 * attribute order do not matter, while defaults, docs and logical types do (Avro's parsing canonical form would
 * drop them, so a schema that only adds defaults would wrongly alias an older one).
 */
final class SchemaRegistry implements AutoCloseable {

    /** What a compatibility test found. */
    record CompatibilityResult(boolean compatible, List<String> messages) {
    }

    private final SchemaLog log;
    private final RegistryState state = new RegistryState();

    SchemaRegistry(SchemaLog log) {
        this.log = log;
    }

    /** Rebuilds the state from the topic. */
    synchronized void load() throws ExecutionException, InterruptedException, TimeoutException {
        log.replay(state::apply);
    }

    synchronized List<String> subjects() {
        return state.liveSubjects();
    }

    synchronized List<Integer> versions(String subject) {
        List<RegisteredVersion> versions = requireLiveVersions(subject);
        return versions.stream().map(RegisteredVersion::version).toList();
    }

    synchronized RegisteredVersion version(String subject, String versionSpec) {
        List<RegisteredVersion> versions = requireLiveVersions(subject);
        Optional<Integer> version = parseVersion(versionSpec);
        if (version.isEmpty()) {
            return versions.get(versions.size() - 1);
        }
        return state.liveVersion(subject, version.get())
                .orElseThrow(() -> RegistryException.versionNotFound(subject, version.get()));
    }

    /** Registers a schema under a subject and returns its global id; an already registered schema keeps its id. */
    synchronized int register(String subject, String schemaText, String schemaType) {
        Schema schema = parse(schemaText, schemaType);
        String normalised = schema.toString();
        Optional<RegisteredVersion> existing = state.liveVersionOf(subject, normalised);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        List<String> messages = state.effectiveLevel(subject).check(schema, liveSchemasNewestFirst(subject));
        if (!messages.isEmpty()) {
            throw RegistryException.incompatible("Schema being registered is incompatible with an earlier schema "
                    + "for subject \"" + subject + "\", details: " + messages);
        }
        int id = state.idOf(normalised).orElseGet(state::nextId);
        RegisteredVersion version = new RegisteredVersion(subject, state.nextVersion(subject), id, normalised, false);
        write(new LogEntry.SchemaVersion(version));
        return id;
    }

    /** The live version of a subject that holds this schema. */
    synchronized RegisteredVersion lookup(String subject, String schemaText, String schemaType) {
        Schema schema = parse(schemaText, schemaType);
        requireLiveVersions(subject);
        return state.liveVersionOf(subject, schema.toString())
                .orElseThrow(() -> RegistryException.schemaNotFound("not registered under subject '" + subject + "'"));
    }

    /** Soft-deletes every version of a subject; their ids stay readable. Returns the deleted versions. */
    synchronized List<Integer> deleteSubject(String subject) {
        List<RegisteredVersion> versions = requireLiveVersions(subject);
        for (RegisteredVersion version : versions) {
            write(new LogEntry.SchemaVersion(version.softDeleted()));
        }
        return versions.stream().map(RegisteredVersion::version).toList();
    }

    synchronized String schemaById(int id) {
        return state.schemaById(id).orElseThrow(() -> RegistryException.schemaNotFound("id " + id));
    }

    synchronized List<RegisteredVersion> versionsWithId(int id) {
        schemaById(id);
        return state.versionsWithId(id);
    }

    /**
     * Tests a schema against a version of a subject. Against "latest" the subject's level decides which versions
     * count (all of them for transitive levels), as a registration would; a subject without versions accepts any.
     */
    synchronized CompatibilityResult testCompatibility(String subject, String versionSpec, String schemaText,
                                                       String schemaType) {
        Schema schema = parse(schemaText, schemaType);
        CompatibilityLevel level = state.effectiveLevel(subject);
        Optional<Integer> version = parseVersion(versionSpec);
        List<Schema> against;
        if (version.isEmpty()) {
            against = liveSchemasNewestFirst(subject);
        } else {
            requireLiveVersions(subject);
            RegisteredVersion registered = state.liveVersion(subject, version.get())
                    .orElseThrow(() -> RegistryException.versionNotFound(subject, version.get()));
            against = List.of(new Schema.Parser().parse(registered.schema()));
        }
        List<String> messages = level.check(schema, against);
        return new CompatibilityResult(messages.isEmpty(), messages);
    }

    synchronized CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    synchronized void setGlobalLevel(CompatibilityLevel level) {
        write(new LogEntry.Config(Optional.empty(), level));
    }

    /** The subject's own level; with {@code defaultToGlobal} the global one when the subject has none. */
    synchronized CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        Optional<CompatibilityLevel> level = state.subjectLevel(subject);
        if (level.isPresent()) {
            return level.get();
        }
        if (defaultToGlobal) {
            return state.globalLevel();
        }
        throw RegistryException.subjectLevelCompatibilityNotConfigured(subject);
    }

    synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
        write(new LogEntry.Config(Optional.of(subject), level));
    }

    @Override
    public void close() {
        log.close();
    }

    private void write(LogEntry entry) {
        try {
            log.append(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.storeError("Interrupted while writing to the schema topic", e);
        } catch (ExecutionException | TimeoutException e) {
            throw RegistryException.storeError("Could not write to the schema topic " + log.topic(), e);
        }
        // Applied only after the broker has it, so memory never runs ahead of what a restart would rebuild.
        state.apply(entry);
    }

    private List<RegisteredVersion> requireLiveVersions(String subject) {
        List<RegisteredVersion> versions = state.liveVersions(subject);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private List<Schema> liveSchemasNewestFirst(String subject) {
        List<Schema> schemas = new ArrayList<>();
        for (RegisteredVersion version : state.liveVersions(subject)) {
            schemas.add(0, new Schema.Parser().parse(version.schema()));
        }
        return schemas;
    }

    /** Empty for "latest" (and Confluent's -1). */
    private static Optional<Integer> parseVersion(String versionSpec) {
        if ("latest".equals(versionSpec) || "-1".equals(versionSpec)) {
            return Optional.empty();
        }
        try {
            int version = Integer.parseInt(versionSpec);
            if (version >= 1) {
                return Optional.of(version);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw RegistryException.invalidVersion(versionSpec);
    }

    private static Schema parse(String schemaText, String schemaType) {
        if (schemaType != null && !"AVRO".equals(schemaType)) {
            throw RegistryException.invalidSchema("unsupported schema type " + schemaType + "; only AVRO is", null);
        }
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("the request has no schema", null);
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            // Avro reports bad schemas with several runtime exceptions (parse errors, invalid defaults, ...).
            throw RegistryException.invalidSchema(e.getMessage(), e);
        }
    }
}
