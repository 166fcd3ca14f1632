package io.trendstream.functions;

import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.Ingested;
import io.trendstream.testing.Events;

import org.apache.flink.formats.avro.RegistryAvroDeserializationSchema;
import org.apache.flink.formats.avro.SchemaCoder;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Flink's own registry Avro deserializer inside: a record that breaks off half-way must not
 * spoil the records after it. (Flink's deserializer keeps one buffered Avro decoder across records.)
 */
class IngestingDeserializerRecoveryTest {

    /** A registry that knows one schema, id 1, and reads the Confluent header. */
    static final class OneSchemaCoder implements SchemaCoder {
        @Override
        public Schema readSchema(InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            data.readByte();
            data.readInt();
            return OrderEvent.getClassSchema();
        }

        @Override
        public void writeSchema(Schema schema, OutputStream out) {
            throw new UnsupportedOperationException();
        }
    }

    private final IngestingDeserializer<OrderEvent> deserializer = new IngestingDeserializer<>(
            new RegistryAvroDeserializationSchema<>(OrderEvent.class, null, OneSchemaCoder::new),
            new OrderEventRules(Duration.ofMinutes(10)),
            Ingested.typeInfo(OrderEvent.class),
            Clock.fixed(Events.T0, ZoneOffset.UTC));

    @Test
    void aValidRecordAfterATruncatedOneIsDecoded() throws Exception {
        byte[] valid = wireFormat(Events.validOrder());
        byte[] truncated = Arrays.copyOf(valid, 9);
        Arrays.fill(truncated, 5, 9, (byte) 0xFF);

        Ingested<OrderEvent> broken = deserializer.ingest(record(1, truncated));
        Ingested<OrderEvent> next = deserializer.ingest(record(2, valid));

        assertThat(broken.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.UNDECODABLE.name());
        assertThat(next.isDeadLetter()).as("the record after the broken one: %s", next).isFalse();
        assertThat(next.getEvent()).isEqualTo(Events.validOrder());
    }

    @Test
    void manyRecordsDecodeWithOneDecoder() throws Exception {
        byte[] valid = wireFormat(Events.validOrder());
        for (int offset = 0; offset < 3; offset++) {
            assertThat(deserializer.ingest(record(offset, valid)).getEvent()).isEqualTo(Events.validOrder());
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>("orders", 0, offset, null, value);
    }

    private static byte[] wireFormat(OrderEvent order) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 0, 0, 1});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(OrderEvent.class).write(order, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
