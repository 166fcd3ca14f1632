package io.trendstream.serialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import io.trendstream.records.DeadLetterReason;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.flink.formats.avro.SchemaCoder;

/**
 * Confluent's wire format header: magic byte {@code 0}, then the writer schema's registry id as a 4-byte big-endian
 * int; the Avro binary body follows.
 *
 * <p>Reading fails with a {@link DecodingException} for records that can never be decoded (no header, unknown id,
 * a writer schema the reader schema cannot read) and with a plain {@link IOException} when the registry cannot be
 * asked.
 */
public final class ConfluentSchemaCoder implements SchemaCoder {

    /** The first byte of every record in Confluent's wire format. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_LENGTH = 5;

    private final SchemaRegistryClient client;
    private final String subject;
    private final boolean autoRegister;
    private final Schema readerSchema;
    /** Per writer schema id: why the reader schema cannot read it, or "" when it can. */
    private final Map<Integer, String> incompatibilities;

    /**
     * @param subject the subject writers register under; null for a coder that only reads
     * @param autoRegister whether writing registers a new schema, or only looks up one registered beforehand
     */
    public ConfluentSchemaCoder(SchemaRegistryClient client, String subject, boolean autoRegister) {
        this(client, subject, autoRegister, null);
    }

    /**
     * @param readerSchema the schema records are read as: a writer schema it cannot read (e.g. one of another
     *     subject) is a {@link DeadLetterReason#INCOMPATIBLE_SCHEMA}; null to leave that to Avro's resolution
     */
    public ConfluentSchemaCoder(SchemaRegistryClient client, String subject, boolean autoRegister, Schema readerSchema) {
        this.client = Objects.requireNonNull(client, "client");
        this.subject = subject;
        this.autoRegister = autoRegister;
        this.readerSchema = readerSchema;
        this.incompatibilities = Collections.synchronizedMap(LruMaps.leastRecentlyUsed(client.settings().cacheCapacity()));
    }

    @Override
    public Schema readSchema(InputStream in) throws IOException {
        byte[] header = new byte[HEADER_LENGTH];
        return writerSchema(schemaId(header, in.readNBytes(header, 0, HEADER_LENGTH)));
    }

    /**
     * The writer schema id in the header of a record in the wire format: its first {@code length} bytes are in
     * {@code record} (fewer than {@link #HEADER_LENGTH} when the record is shorter).
     *
     * @throws DecodingException {@link DeadLetterReason#NOT_WIRE_FORMAT} when the record has no such header
     */
    public static int schemaId(byte[] record, int length) throws DecodingException {
        if (length <= 0) {
            throw new DecodingException(DeadLetterReason.NOT_WIRE_FORMAT, "Empty record: no wire format header");
        }
        if (record[0] != MAGIC_BYTE) {
            throw new DecodingException(DeadLetterReason.NOT_WIRE_FORMAT,
                    "Not Confluent wire format: magic byte is " + (record[0] & 0xFF) + ", expected " + MAGIC_BYTE);
        }
        if (length < HEADER_LENGTH) {
            throw new DecodingException(DeadLetterReason.NOT_WIRE_FORMAT,
                    "Not Confluent wire format: shorter than its " + HEADER_LENGTH + "-byte header");
        }
        return (record[1] & 0xFF) << 24 | (record[2] & 0xFF) << 16 | (record[3] & 0xFF) << 8 | (record[4] & 0xFF);
    }

    /**
     * The writer schema registered under {@code id}, checked against the reader schema when there is one.
     *
     * @throws DecodingException {@link DeadLetterReason#UNKNOWN_SCHEMA} for an id the registry does not know,
     *     {@link DeadLetterReason#INCOMPATIBLE_SCHEMA} for a schema the reader schema cannot read
     * @throws IOException when the registry cannot be asked
     */
    public Schema writerSchema(int id) throws IOException {
        Schema writerSchema;
        try {
            writerSchema = client.getById(id);
        } catch (UnknownSchemaException e) {
            throw new DecodingException(DeadLetterReason.UNKNOWN_SCHEMA, e.getMessage(), e);
        }
        if (readerSchema != null) {
            String incompatibility = incompatibilities.computeIfAbsent(id, i -> incompatibility(writerSchema));
            if (!incompatibility.isEmpty()) {
                throw new DecodingException(DeadLetterReason.INCOMPATIBLE_SCHEMA, "Schema id " + id + " ("
                        + writerSchema.getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": "
                        + incompatibility);
            }
        }
        return writerSchema;
    }

    /**
     * Why the reader schema cannot read records of this writer schema, or "" if it can. Stricter than Avro's
     * resolution alone, which matches records by field names only: a frame of another subject whose fields happen
     * to have defaults in the reader schema (a product view read as an order) would decode into a wrong event.
     */
    private String incompatibility(Schema writerSchema) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return decimalMismatch(readerSchema, writerSchema, "", new HashSet<>());
        }
        String problems = result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + (i.getMessage() == null ? "" : " (" + i.getMessage() + ")"))
                .collect(Collectors.joining("; "));
        return problems.isEmpty() ? "incompatible" : problems;
    }

    /**
     * Where a decimal of the writer schema has another scale than the reader's, or "" if none has. Avro's resolution
     * ignores logical types and reads the unscaled bytes at the reader's scale: a price written as decimal(12,4) would
     * be read as decimal(12,2), 100 times too large. Precision is not compared: the value's limits are checked as
     * the event is validated.
     */
    private static String decimalMismatch(Schema reader, Schema writer, String path, Set<String> visited) {
        if (writer.getType() == Schema.Type.UNION) {
            for (Schema branch : writer.getTypes()) {
                String mismatch = decimalMismatch(reader, branch, path, visited);
                if (!mismatch.isEmpty()) {
                    return mismatch;
                }
            }
            return "";
        }
        if (reader.getType() == Schema.Type.UNION) {
            return reader.getTypes().stream().filter(branch -> branch.getType() == writer.getType()).findFirst()
                    .map(branch -> decimalMismatch(branch, writer, path, visited)).orElse("");
        }
        if (reader.getType() != writer.getType()) {
            return ""; // a promotion (int to long, ...), which Avro's check has judged
        }
        switch (reader.getType()) {
            case RECORD -> {
                if (!visited.add(reader.getFullName() + "<-" + writer.getFullName())) {
                    return ""; // a recursive record, already being compared
                }
                for (Schema.Field field : reader.getFields()) {
                    Schema.Field written = writer.getField(field.name());
                    for (String alias : field.aliases()) {
                        written = written != null ? written : writer.getField(alias);
                    }
                    if (written != null) {
                        String mismatch = decimalMismatch(field.schema(), written.schema(), path + "/" + field.name(), visited);
                        if (!mismatch.isEmpty()) {
                            return mismatch;
                        }
                    }
                }
                return "";
            }
            case ARRAY -> {
                return decimalMismatch(reader.getElementType(), writer.getElementType(), path + "/items", visited);
            }
            case MAP -> {
                return decimalMismatch(reader.getValueType(), writer.getValueType(), path + "/values", visited);
            }
            case BYTES, FIXED -> {
                if (!(reader.getLogicalType() instanceof LogicalTypes.Decimal read)) {
                    return "";
                }
                if (!(writer.getLogicalType() instanceof LogicalTypes.Decimal written)) {
                    return "DECIMAL_SCALE_MISMATCH at " + path + " (written as plain " + writer.getType().getName()
                            + ", read as decimal with scale " + read.getScale() + ")";
                }
                return written.getScale() == read.getScale() ? ""
                        : "DECIMAL_SCALE_MISMATCH at " + path + " (written with scale " + written.getScale()
                                + ", read with scale " + read.getScale() + ": Avro does not rescale decimals)";
            }
            default -> {
                return "";
            }
        }
    }

    @Override
    public void writeSchema(Schema schema, OutputStream out) throws IOException {
        if (subject == null) {
            throw new IllegalStateException("This schema coder has no subject and can only read");
        }
        int id = autoRegister ? client.register(subject, schema) : client.getId(subject, schema);
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
    }
}
