package io.trendstream.gateway.ingest;

import io.trendstream.serialization.ConfluentSchemaCoder;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Encodes events in Confluent's wire format with the udf module's schema coder: magic byte, the id under which the
 * registry knows the event's schema (registered on first use, then cached by the registry client), Avro binary.
 * Thread-safe: each request thread encodes with buffers of its own.
 *
 * @param <T> the Avro specific record type
 */
final class WireEncoder<T extends SpecificRecord> {

    private final Schema schema;
    private final ConfluentSchemaCoder coder;
    private final ThreadLocal<Buffers<T>> buffers;

    WireEncoder(Class<T> type, Schema schema, ConfluentSchemaCoder coder) {
        this.schema = schema;
        this.coder = coder;
        this.buffers = ThreadLocal.withInitial(() -> new Buffers<>(new SpecificDatumWriter<>(type)));
    }

    /**
     * @throws IOException if the registry cannot be asked for the schema's id (unreachable, failing, refusing)
     */
    byte[] encode(T event) throws IOException {
        Buffers<T> b = buffers.get();
        b.out.reset();
        coder.writeSchema(schema, b.out);
        b.encoder = EncoderFactory.get().directBinaryEncoder(b.out, b.encoder);
        b.writer.write(event, b.encoder);
        b.encoder.flush();
        return b.out.toByteArray();
    }

    /** Asks the registry for the schema's id now, so that the first request does not wait for it. */
    void registerSchema() throws IOException {
        coder.writeSchema(schema, new ByteArrayOutputStream());
    }

    private static final class Buffers<T> {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        final SpecificDatumWriter<T> writer;
        BinaryEncoder encoder;

        Buffers(SpecificDatumWriter<T> writer) {
            this.writer = writer;
        }
    }
}
