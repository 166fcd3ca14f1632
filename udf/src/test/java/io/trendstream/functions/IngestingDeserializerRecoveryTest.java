package io.trendstream.functions;

import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.Ingested;
import io.trendstream.serialization.CannedSchemaRegistry;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.testing.Events;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the job's registry Avro decoder inside: a broken record spoils none of the records after it, and dead letters
 * cost the registry nothing once the schema is known.
 */
class IngestingDeserializerRecoveryTest {

    private static final String SCHEMA = "/schemas/ids/1";

    private final CannedSchemaRegistry registry = new CannedSchemaRegistry()
            .answer("GET", SCHEMA, 200, new ObjectMapper().createObjectNode()
                    .put("schema", OrderEvent.getClassSchema().toString()).toString());

    private final IngestingDeserializer<OrderEvent> deserializer = new IngestingDeserializer<>(
            ConfluentAvro.forSpecificDeserialization(OrderEvent.class, SchemaRegistrySettings.builder(registry.url()).build()),
            new OrderEventRules(Duration.ofMinutes(10)),
            Ingested.typeInfo(OrderEvent.class),
            Clock.fixed(Events.T0, ZoneOffset.UTC));

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

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
    void aValidRecordAfterOneWithBytesAfterItsBodyIsDecoded() throws Exception {
        byte[] valid = wireFormat(Events.validOrder());
        byte[] trailed = Arrays.copyOf(valid, valid.length + 3);
        Arrays.fill(trailed, valid.length, trailed.length, (byte) 0xFF);

        Ingested<OrderEvent> first = deserializer.ingest(record(1, trailed));
        Ingested<OrderEvent> next = deserializer.ingest(record(2, valid));

        assertThat(first.getEvent()).isEqualTo(Events.validOrder());
        assertThat(next.isDeadLetter()).as("the record after the trailed one: %s", next).isFalse();
        assertThat(next.getEvent()).isEqualTo(Events.validOrder());
    }

    @Test
    void deadLettersAmongValidRecordsAskTheRegistryForTheSchemaOnce() throws Exception {
        byte[] valid = wireFormat(Events.validOrder());
        byte[] truncated = Arrays.copyOf(valid, valid.length - 3);

        for (int offset = 0; offset < 200; offset += 2) {
            assertThat(deserializer.ingest(record(offset, truncated)).isDeadLetter()).isTrue();
            assertThat(deserializer.ingest(record(offset + 1, valid)).getEvent()).isEqualTo(Events.validOrder());
        }

        assertThat(registry.requests("GET", SCHEMA)).hasSize(1);
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
