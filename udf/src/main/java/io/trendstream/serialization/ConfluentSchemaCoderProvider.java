package io.trendstream.serialization;

import java.util.Objects;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.flink.formats.avro.SchemaCoder;

/**
 * Makes {@link ConfluentSchemaCoder}s on the task managers. Only settings travel with the job graph; the HTTP
 * client is built on first use and shared by the coders of one provider instance.
 */
public final class ConfluentSchemaCoderProvider implements SchemaCoder.SchemaCoderProvider {

    private static final long serialVersionUID = 1L;

    private final SchemaRegistrySettings settings;
    private final String subject;
    private final boolean autoRegister;
    /** The reader schema as JSON (travels with the job graph), or null. */
    private final String readerSchema;
    private transient SchemaRegistryClient client;

    private ConfluentSchemaCoderProvider(SchemaRegistrySettings settings, String subject, boolean autoRegister,
                                         String readerSchema) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.subject = subject;
        this.autoRegister = autoRegister;
        this.readerSchema = readerSchema;
    }

    /** For deserialization: the coder reads writer schemas by id. */
    public static ConfluentSchemaCoderProvider forReading(SchemaRegistrySettings settings) {
        return new ConfluentSchemaCoderProvider(settings, null, false, null);
    }

    /**
     * For deserialization as {@code readerSchema}: a writer schema that it cannot read is a
     * {@link io.trendstream.records.DeadLetterReason#INCOMPATIBLE_SCHEMA}.
     */
    public static ConfluentSchemaCoderProvider forReading(SchemaRegistrySettings settings, Schema readerSchema) {
        return new ConfluentSchemaCoderProvider(settings, null, false,
                Objects.requireNonNull(readerSchema, "readerSchema").toString());
    }

    /**
     * For serialization under a subject.
     *
     * @param autoRegister true to register the writer schema if needed; false to require it registered already
     */
    public static ConfluentSchemaCoderProvider forWriting(String subject, SchemaRegistrySettings settings,
                                                          boolean autoRegister) {
        return new ConfluentSchemaCoderProvider(settings, Objects.requireNonNull(subject, "subject"), autoRegister, null);
    }

    @Override
    public SchemaCoder get() {
        return coder();
    }

    /** A coder of this provider's settings, sharing the provider's registry client. */
    public synchronized ConfluentSchemaCoder coder() {
        if (client == null) {
            client = new SchemaRegistryClient(settings);
        }
        return new ConfluentSchemaCoder(client, subject, autoRegister,
                readerSchema == null ? null : new Schema.Parser().parse(readerSchema));
    }

    public SchemaRegistrySettings settings() {
        return settings;
    }

    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    public boolean autoRegister() {
        return autoRegister;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConfluentSchemaCoderProvider that)) {
            return false;
        }
        return autoRegister == that.autoRegister && settings.equals(that.settings)
                && Objects.equals(subject, that.subject) && Objects.equals(readerSchema, that.readerSchema);
    }

    @Override
    public int hashCode() {
        return Objects.hash(settings, subject, autoRegister, readerSchema);
    }

    @Override
    public String toString() {
        return "ConfluentSchemaCoderProvider{subject=" + subject + ", autoRegister=" + autoRegister
                + ", settings=" + settings + "}";
    }
}
