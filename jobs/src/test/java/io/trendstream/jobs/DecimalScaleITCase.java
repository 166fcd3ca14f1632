package io.trendstream.jobs;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.ConfluentAvroDeserializationSchema;
import io.trendstream.serialization.DecodingException;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.testing.RawAvro;
import io.trendstream.testing.SchemaRegistryExtension;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An order whose producer's schema declares the unit price with another decimal scale, through the real registry and
 * decoder: Avro's resolution ignores logical types and would read the unscaled bytes at scale 2, a price 100 times
 * too large for decimal(12,4). Such a record is an incompatible schema, never a wrong price.
 */
class DecimalScaleITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension(KAFKA);

    private static final OrderEvent ORDER = OrderEvent.newBuilder()
            .setEventId("e-1").setOrderId("o-1").setUserId("u-1")
            .setLineItems(List.of(LineItem.newBuilder().setProductId("p-1").setQuantity(2)
                    .setUnitPrice(new BigDecimal("12.34")).build()))
            .setCurrency("EUR").setEventTime(Instant.parse("2026-11-30T10:15:30Z")).setChannel("web")
            .build();

    @Test
    void aUnitPriceWrittenWithScaleFourIsAnIncompatibleSchemaNotAPriceAHundredTimesTooLarge() throws Exception {
        int id = register(withUnitPriceScale(4));
        // 12.3456 at scale 4
        byte[] frame = frame(id, RawAvro.orderWithRawUnitPrice(ORDER, BigInteger.valueOf(123_456)));

        DecodingException e = catchThrowableOfType(DecodingException.class, () -> deserializer().deserialize(frame));

        assertThat(e).as("decoded instead").isNotNull();
        assertThat(e.reason()).isEqualTo(DeadLetterReason.INCOMPATIBLE_SCHEMA);
        assertThat(e).hasMessageContaining("DECIMAL_SCALE_MISMATCH at /lineItems/items/unitPrice (written with scale 4,"
                + " read with scale 2");
    }

    @Test
    void aUnitPriceWrittenWithScaleTwoAndAnotherPrecisionIsRead() throws Exception {
        int id = register(new Schema.Parser().parse(OrderEvent.getClassSchema().toString()
                .replace("\"precision\":12,\"scale\":2", "\"precision\":14,\"scale\":2")));
        byte[] frame = frame(id, RawAvro.orderWithRawUnitPrice(ORDER, BigInteger.valueOf(1_234)));

        OrderEvent read = deserializer().deserialize(frame);

        assertThat(read.getLineItems().get(0).getUnitPrice()).isEqualByComparingTo("12.34");
    }

    private static Schema withUnitPriceScale(int scale) {
        String schema = OrderEvent.getClassSchema().toString();
        assertThat(schema).contains("\"precision\":12,\"scale\":2");
        return new Schema.Parser().parse(schema.replace("\"precision\":12,\"scale\":2", "\"precision\":12,\"scale\":" + scale));
    }

    private static SchemaRegistrySettings settings() {
        return SchemaRegistrySettings.builder(REGISTRY.server().url()).build();
    }

    private static int register(Schema writer) throws Exception {
        return new SchemaRegistryClient(settings()).register(ConfluentAvro.topicValueSubject("orders-" + writer.hashCode()), writer);
    }

    private static ConfluentAvroDeserializationSchema<OrderEvent> deserializer() {
        return ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings());
    }

    private static byte[] frame(int id, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array());
        out.writeBytes(body);
        return out.toByteArray();
    }
}
