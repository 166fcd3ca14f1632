package io.trendstream.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.records.DeadLetterReason;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfluentSchemaCoderTest {

    /** 0x01020304: each header byte differs, so the byte order shows. */
    private static final int SCHEMA_ID = 16_909_060;
    private static final String SUBJECT = "orders-value";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CannedSchemaRegistry registry = new CannedSchemaRegistry();

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void writesMagicByteBigEndianIdAndAvroBinary() throws Exception {
        registry.answer("POST", "/subjects/orders-value/versions", 200, "{\"id\": " + SCHEMA_ID + "}");
        OrderEvent order = order();

        byte[] bytes = serializer(settings()).serialize(order);

        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 1, 2, 3, 4);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).containsExactly(avroBinary(order));
        CannedSchemaRegistry.Request registration = registry.requests().get(0);
        Schema registered = new Schema.Parser().parse(JSON.readTree(registration.body()).get("schema").asText());
        assertThat(registered).isEqualTo(OrderEvent.getClassSchema());
    }

    @Test
    void readsTheWriterSchemaByIdAndCachesIt() throws Exception {
        registry.answer("POST", "/subjects/orders-value/versions", 200, "{\"id\": " + SCHEMA_ID + "}")
                .answer("GET", "/schemas/ids/" + SCHEMA_ID, 200, schemaReply(OrderEvent.getClassSchema()));
        OrderEvent order = order();
        byte[] bytes = serializer(settings()).serialize(order);
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer =
                ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings());

        assertThat(deserializer.deserialize(bytes)).isEqualTo(order);
        assertThat(deserializer.deserialize(bytes)).isEqualTo(order);
        assertThat(registry.requests("GET", "/schemas/ids/" + SCHEMA_ID)).hasSize(1);
    }

    @Test
    void aBadMagicByteIsNotWireFormat() {
        byte[] record = {1, 0, 0, 0, 1, 2, 3};
        assertReason(record, DeadLetterReason.NOT_WIRE_FORMAT);
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void aRecordShorterThanTheHeaderIsNotWireFormat() {
        assertReason(new byte[] {0, 0, 0}, DeadLetterReason.NOT_WIRE_FORMAT);
        assertReason(new byte[0], DeadLetterReason.NOT_WIRE_FORMAT);
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void anUnknownIdIsAnUnknownSchema() {
        registry.answer("GET", "/schemas/ids/7", 404, "{\"error_code\": 40403, \"message\": \"Schema 7 not found\"}");
        DecodingException e = assertReason(new byte[] {0, 0, 0, 0, 7, 2}, DeadLetterReason.UNKNOWN_SCHEMA);
        assertThat(e).hasCauseInstanceOf(UnknownSchemaException.class);
        assertThat(((UnknownSchemaException) e.getCause()).schemaId()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE, 0})
    void anyIdAHeaderCanCarryIsLookedUpAndUnknownOnesAreUnknownSchemas(int id) {
        registry.answer("GET", "/schemas/ids/" + id, 404,
                "{\"error_code\": 40403, \"message\": \"Schema " + id + " not found\"}");
        byte[] header = ByteBuffer.allocate(6).put((byte) 0).putInt(id).put((byte) 2).array();

        DecodingException e = assertReason(header, DeadLetterReason.UNKNOWN_SCHEMA);

        assertThat(((UnknownSchemaException) e.getCause()).schemaId()).isEqualTo(id);
        assertThat(registry.requests("GET", "/schemas/ids/" + id)).hasSize(1);
    }

    @Test
    void aFrameOfAnotherSubjectIsAnIncompatibleSchemaNotAnEventWithMissingFields() throws Exception {
        // A product view happens to resolve to an order by field names alone (every order field it lacks has a
        // default): without the compatibility check it would decode into an order with no orderId.
        registry.answer("GET", "/schemas/ids/10", 200, schemaReply(ProductView.getClassSchema()));
        ProductView view = ProductView.newBuilder().setEventId("v-1").setUserId("u-1").setProductId("p-1")
                .setSessionId("s-1").setEventTime(Instant.parse("2026-11-22T10:00:00Z")).build();
        byte[] frame = frame(10, avroBinary(view, ProductView.class));
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer =
                ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings());

        for (int i = 0; i < 2; i++) {
            DecodingException e = catchThrowableOfType(DecodingException.class, () -> deserializer.deserialize(frame));
            assertThat(e.reason()).isEqualTo(DeadLetterReason.INCOMPATIBLE_SCHEMA);
            assertThat(e).hasMessageStartingWith("Schema id 10 (io.trendstream.events.ProductView) cannot be read as "
                    + "io.trendstream.events.OrderEvent: NAME_MISMATCH");
        }
        assertThat(registry.requests("GET", "/schemas/ids/10")).as("asked and judged once").hasSize(1);
    }

    @Test
    void aSchemaOfAnotherTypeIsAnIncompatibleSchema() {
        registry.answer("GET", "/schemas/ids/8", 200, schemaReply(Schema.create(Schema.Type.STRING)));

        DecodingException e = catchThrowableOfType(DecodingException.class, () -> ConfluentAvro
                .forSpecificDeserialization(OrderEvent.class, settings()).deserialize(new byte[] {0, 0, 0, 0, 8, 2, 'x'}));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.INCOMPATIBLE_SCHEMA);
        assertThat(e).hasMessageContaining("TYPE_MISMATCH");
    }

    @Test
    void deserializationReportsTheDeadLetterReason() {
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer =
                ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings());
        DecodingException e = catchThrowableOfType(DecodingException.class,
                () -> deserializer.deserialize(new byte[] {'{', '"', 'a', '"', '}'}));
        assertThat(e.reason()).isEqualTo(DeadLetterReason.NOT_WIRE_FORMAT);
    }

    @Test
    void classifiesDeserializationFailuresForTheDeadLetterQueue() throws Exception {
        registry.answer("POST", "/subjects/orders-value/versions", 200, "{\"id\": " + SCHEMA_ID + "}")
                .answer("GET", "/schemas/ids/" + SCHEMA_ID, 200, schemaReply(OrderEvent.getClassSchema()))
                .answer("GET", "/schemas/ids/8", 200, schemaReply(Schema.create(Schema.Type.STRING)))
                .answer("GET", "/schemas/ids/9", 503, "{\"error_code\": 50001, \"message\": \"store down\"}");
        byte[] bytes = serializer(settings()).serialize(order());
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer =
                ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings());

        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 4);
        assertThat(DecodingException.deadLetterReasonOf(failureOf(deserializer, truncated)))
                .contains(DeadLetterReason.UNDECODABLE);
        byte[] unresolvable = {0, 0, 0, 0, 8, 2, 'x'};
        assertThat(DecodingException.deadLetterReasonOf(failureOf(deserializer, unresolvable)))
                .contains(DeadLetterReason.INCOMPATIBLE_SCHEMA);
        assertThat(DecodingException.deadLetterReasonOf(failureOf(deserializer, new byte[] {7})))
                .contains(DeadLetterReason.NOT_WIRE_FORMAT);
        Throwable registryDown = failureOf(deserializer, new byte[] {0, 0, 0, 0, 9, 2});
        assertThat(registryDown).isInstanceOf(IOException.class).hasMessageContaining("HTTP 503");
        assertThat(DecodingException.deadLetterReasonOf(registryDown)).isEmpty();
    }

    @Test
    void sendsBasicAuth() throws Exception {
        registry.answer("GET", "/schemas/ids/1", 200, schemaReply(OrderEvent.getClassSchema()));
        SchemaRegistrySettings settings = SchemaRegistrySettings.builder(registry.url())
                .basicAuthUserInfo("flink:s3cret").build();

        new SchemaRegistryClient(settings).getById(1);

        assertThat(registry.requests().get(0).authorization()).isEqualTo("Basic Zmxpbms6czNjcmV0");
    }

    @Test
    void anUnreachableRegistryIsAnIoErrorNamingTheUrl() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://localhost:" + closedPort;
        ConfluentSchemaCoder coder = coder(SchemaRegistrySettings.builder(url).build());

        IOException e = catchThrowableOfType(IOException.class,
                () -> coder.readSchema(new ByteArrayInputStream(new byte[] {0, 0, 0, 0, 9})));

        assertThat(e).isNotInstanceOf(DecodingException.class)
                .hasMessageContaining(url + "/schemas/ids/9")
                .hasMessageContaining("unreachable")
                .hasMessageContaining("check that it is running");
    }

    @Test
    void aFailingRegistryIsAnIoErrorNotADeadLetter() {
        registry.answer("GET", "/schemas/ids/3", 500, "{\"error_code\": 50001, \"message\": \"Error in the backend\"}");
        IOException e = catchThrowableOfType(IOException.class,
                () -> coder(settings()).readSchema(new ByteArrayInputStream(new byte[] {0, 0, 0, 0, 3})));

        assertThat(e).isNotInstanceOf(DecodingException.class)
                .hasMessageContaining(registry.url() + "/schemas/ids/3")
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("Error in the backend");
    }

    @Test
    void withoutAutoRegisterTheSchemaIsLookedUp() throws Exception {
        registry.answer("POST", "/subjects/orders-value", 200,
                "{\"subject\": \"orders-value\", \"id\": 5, \"version\": 2, \"schema\": \"\\\"string\\\"\"}");
        ConfluentSchemaCoder coder = new ConfluentSchemaCoder(new SchemaRegistryClient(settings()), SUBJECT, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        coder.writeSchema(OrderEvent.getClassSchema(), out);

        assertThat(out.toByteArray()).containsExactly(0, 0, 0, 0, 5);
        assertThat(registry.requests()).extracting(CannedSchemaRegistry.Request::path)
                .containsExactly("/subjects/orders-value");
    }

    @Test
    void anIncompatibleSchemaIsARefusedRequest() {
        registry.answer("POST", "/subjects/orders-value/versions", 409,
                "{\"error_code\": 409, \"message\": \"Schema being registered is incompatible\"}");
        SchemaRegistryRequestException e = catchThrowableOfType(SchemaRegistryRequestException.class,
                () -> new SchemaRegistryClient(settings()).register(SUBJECT, OrderEvent.getClassSchema()));
        assertThat(e.httpStatus()).isEqualTo(409);
        assertThat(e.errorCode()).isEqualTo(409);
        assertThat(e).hasMessageContaining("incompatible");
    }

    @Test
    void aReadingCoderCannotWrite() {
        ConfluentSchemaCoder coder = coder(settings());
        assertThatThrownBy(() -> coder.writeSchema(OrderEvent.getClassSchema(), new ByteArrayOutputStream()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void topicValueSubjectFollowsTopicNameStrategy() {
        assertThat(ConfluentAvro.topicValueSubject("orders")).isEqualTo("orders-value");
    }

    private DecodingException assertReason(byte[] record, DeadLetterReason reason) {
        DecodingException e = catchThrowableOfType(DecodingException.class,
                () -> coder(settings()).readSchema(new ByteArrayInputStream(record)));
        assertThat(e).as("decoding %s", Arrays.toString(record)).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        return e;
    }

    private static Throwable failureOf(ConfluentAvroDeserializationSchema<OrderEvent> deserializer, byte[] record) {
        try {
            deserializer.deserialize(record);
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("decoded " + Arrays.toString(record));
    }

    private SchemaRegistrySettings settings() {
        return SchemaRegistrySettings.builder(registry.url()).build();
    }

    private static ConfluentSchemaCoder coder(SchemaRegistrySettings settings) {
        return (ConfluentSchemaCoder) ConfluentSchemaCoderProvider.forReading(settings).get();
    }

    private static RegistryAvroSerializationSchema<OrderEvent> serializer(SchemaRegistrySettings settings) {
        return ConfluentAvro.forSpecificSerialization(OrderEvent.class, SUBJECT, settings);
    }

    static String schemaReply(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    static byte[] avroBinary(OrderEvent order) throws IOException {
        return avroBinary(order, OrderEvent.class);
    }

    private static <T> byte[] avroBinary(T event, Class<T> type) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(type).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    static byte[] frame(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    static OrderEvent order() {
        return OrderEvent.newBuilder()
                .setEventId("e-1")
                .setOrderId("o-1")
                .setUserId("u-1")
                .setLineItems(List.of(LineItem.newBuilder()
                        .setProductId("p-1").setQuantity(2).setUnitPrice(new BigDecimal("19.99")).build()))
                .setCurrency("EUR")
                .setEventTime(Instant.parse("2026-11-22T10:15:30.123Z"))
                .setChannel("web")
                .build();
    }
}
