package io.trendstream.serialization;

import static io.trendstream.serialization.ConfluentSchemaCoderTest.avroBinary;
import static io.trendstream.serialization.ConfluentSchemaCoderTest.frame;
import static io.trendstream.serialization.ConfluentSchemaCoderTest.order;
import static io.trendstream.serialization.ConfluentSchemaCoderTest.schemaReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.util.Arrays;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;
import org.apache.avro.Schema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Decoding records of the wire format with one datum reader per writer schema, and nothing kept between records. */
class ConfluentAvroDeserializationSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int V1 = 1;
    private static final int V2 = 2;

    private final CannedSchemaRegistry registry = new CannedSchemaRegistry();
    private final OrderEvent order = order();

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void recordsOfTwoWriterSchemasInTurnDecodeAndEachSchemaIsAskedForOnce() throws Exception {
        // v2 is v1 with a field added at its end: its body is v1's body followed by that field's value.
        registry.answer("GET", "/schemas/ids/" + V1, 200, schemaReply(OrderEvent.getClassSchema()))
                .answer("GET", "/schemas/ids/" + V2, 200, schemaReply(withNoteField(OrderEvent.getClassSchema())));
        byte[] v1 = frame(V1, avroBinary(order));
        byte[] v2 = frame(V2, concat(avroBinary(order), new byte[] {4, 'h', 'i'}));
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer = deserializer();

        for (byte[] record : new byte[][] {v1, v2, v1, v2, v2, v1}) {
            assertThat(deserializer.deserialize(record)).isEqualTo(order);
        }
        assertThat(registry.requests("GET", "/schemas/ids/" + V1)).hasSize(1);
        assertThat(registry.requests("GET", "/schemas/ids/" + V2)).hasSize(1);
    }

    @Test
    void aRecordAfterOneThatBrokeOffHalfWayDecodes() throws Exception {
        registry.answer("GET", "/schemas/ids/" + V1, 200, schemaReply(OrderEvent.getClassSchema()));
        byte[] valid = frame(V1, avroBinary(order));
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer = deserializer();

        Throwable broken = catchThrowableOfType(Exception.class,
                () -> deserializer.deserialize(Arrays.copyOf(valid, valid.length - 4)));

        assertThat(DecodingException.deadLetterReasonOf(broken)).contains(DeadLetterReason.UNDECODABLE);
        assertThat(deserializer.deserialize(valid)).isEqualTo(order);
    }

    /** Flink's RegistryAvroDeserializationSchema keeps unread bytes in its buffered decoder, and reads them next. */
    @Test
    void bytesAfterARecordsBodyDoNotReachTheNextRecord() throws Exception {
        registry.answer("GET", "/schemas/ids/" + V1, 200, schemaReply(OrderEvent.getClassSchema()));
        byte[] valid = frame(V1, avroBinary(order));
        byte[] trailed = concat(valid, new byte[] {(byte) 0xFF, 0x01, 0x02});
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer = deserializer();

        assertThat(deserializer.deserialize(trailed)).isEqualTo(order);
        assertThat(deserializer.deserialize(valid)).isEqualTo(order);
    }

    @Test
    void aRecordOfAnIncompatibleSchemaBetweenTwoValidOnesIsRefusedEachTime() throws Exception {
        registry.answer("GET", "/schemas/ids/" + V1, 200, schemaReply(OrderEvent.getClassSchema()))
                .answer("GET", "/schemas/ids/8", 200, schemaReply(Schema.create(Schema.Type.STRING)));
        byte[] valid = frame(V1, avroBinary(order));
        byte[] incompatible = {0, 0, 0, 0, 8, 2, 'x'};
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer = deserializer();

        for (int i = 0; i < 2; i++) {
            assertThat(deserializer.deserialize(valid)).isEqualTo(order);
            DecodingException e = catchThrowableOfType(DecodingException.class, () -> deserializer.deserialize(incompatible));
            assertThat(e.reason()).isEqualTo(DeadLetterReason.INCOMPATIBLE_SCHEMA);
        }
        assertThat(deserializer.deserialize(valid)).isEqualTo(order);
    }

    @Test
    void aMissingValueIsNoRecord() throws Exception {
        assertThat(deserializer().deserialize(null)).isNull();
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void producesTheSpecificRecordsAvroType() {
        assertThat(deserializer().getProducedType()).isEqualTo(new AvroTypeInfo<>(OrderEvent.class));
    }

    private ConfluentAvroDeserializationSchema<OrderEvent> deserializer() {
        return ConfluentAvro.forSpecificDeserialization(OrderEvent.class, SchemaRegistrySettings.builder(registry.url()).build());
    }

    private static Schema withNoteField(Schema schema) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
        json.withArray("fields").addObject().put("name", "note").put("type", "string").put("default", "");
        return new Schema.Parser().parse(json.toString());
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
