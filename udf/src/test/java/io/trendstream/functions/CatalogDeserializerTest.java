package io.trendstream.functions;

import io.trendstream.events.Product;
import io.trendstream.records.CatalogChange;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.Ingested;
import io.trendstream.serialization.DecodingException;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A catalog record is a product as it now is, or, without a value, the removal of the product its key names; what
 * cannot be used is a dead letter with its reason and the record's bytes, as on the event topics.
 */
class CatalogDeserializerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    /** Plain Avro binary, no registry; a first byte of 0x7F is refused as the registry refuses a foreign frame. */
    static final class PlainProductDecoder implements DeserializationSchema<Product> {
        @Override
        public Product deserialize(byte[] message) throws IOException {
            if (message[0] == 0x7F) {
                throw new DecodingException(DeadLetterReason.NOT_WIRE_FORMAT, "first byte is not the magic byte");
            }
            return new SpecificDatumReader<>(Product.class).read(null, DecoderFactory.get().binaryDecoder(message, null));
        }

        @Override
        public boolean isEndOfStream(Product next) {
            return false;
        }

        @Override
        public TypeInformation<Product> getProducedType() {
            return new AvroTypeInfo<>(Product.class);
        }
    }

    private final CatalogDeserializer deserializer =
            new CatalogDeserializer(new PlainProductDecoder(), Clock.fixed(NOW, ZoneOffset.UTC));

    private static Product product(String id, String name) {
        return Product.newBuilder().setProductId(id).setName(name).setCategory("Computers")
                .setListPrice(new BigDecimal("1299.00")).setUpdatedAt(NOW).build();
    }

    private static byte[] encode(Product product) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(Product.class).write(product, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("products", 0, 17L, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void aProductKeyedByItsIdIsAnUpsert() throws Exception {
        Ingested<CatalogChange> read = deserializer.ingest(record("p3", encode(product("p3", "Laptop"))));

        assertThat(read.isDeadLetter()).isFalse();
        assertThat(read.getEvent().isRemoval()).isFalse();
        assertThat(read.getEvent().productId()).isEqualTo("p3");
        assertThat(read.getEvent().product().getName()).isEqualTo("Laptop");
    }

    @Test
    void aTombstoneRemovesTheProductItsKeyNames() throws Exception {
        Ingested<CatalogChange> read = deserializer.ingest(record("p3", null));

        assertThat(read.isDeadLetter()).isFalse();
        assertThat(read.getEvent()).isEqualTo(CatalogChange.removal("p3"));
    }

    @Test
    void aTombstoneWithoutAKeyIsADeadLetter() throws Exception {
        Ingested<CatalogChange> read = deserializer.ingest(record(null, null));

        assertThat(read.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.MISSING_PRODUCT_ID.name());
        assertThat(read.getDeadLetter().getSourceOffset()).isEqualTo(17L);
    }

    @Test
    void aProductUnderAnotherKeyIsADeadLetterWithItsBytes() throws Exception {
        byte[] value = encode(product("p3", "Laptop"));
        Ingested<CatalogChange> read = deserializer.ingest(record("p4", value));

        assertThat(read.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.PRODUCT_KEY_MISMATCH.name());
        assertThat(read.getDeadLetter().getDetail()).contains("\"p3\"", "\"p4\"");
        assertThat(read.getDeadLetter().getPayload().array()).isEqualTo(value);
    }

    @Test
    void brokenOrInvalidProductsAreDeadLettersWithTheirReason() throws Exception {
        Product noId = product("p3", "Laptop");
        noId.setProductId(null);
        Product freePrice = product("p3", "Laptop");
        freePrice.setListPrice(BigDecimal.ZERO.setScale(2));
        Product longName = product("p3", "x".repeat(EventLimits.MAX_TEXT_LENGTH + 1));

        assertThat(deserializer.ingest(record("p3", encode(noId))).getDeadLetter().getReason()).isEqualTo("MISSING_PRODUCT_ID");
        assertThat(deserializer.ingest(record("p3", encode(freePrice))).getDeadLetter().getReason()).isEqualTo("NON_POSITIVE_PRICE");
        assertThat(deserializer.ingest(record("p3", encode(longName))).getDeadLetter().getReason()).isEqualTo("TEXT_TOO_LONG");
        assertThat(deserializer.ingest(record("p3", new byte[] {0x7F, 1})).getDeadLetter().getReason()).isEqualTo("NOT_WIRE_FORMAT");
        assertThat(deserializer.ingest(record("p3", new byte[0])).getDeadLetter().getReason()).isEqualTo("EMPTY_RECORD");
        // and the next good record is read as if nothing happened
        assertThat(deserializer.ingest(record("p3", encode(product("p3", "Laptop")))).isDeadLetter()).isFalse();
    }

    @Test
    void aProductWithoutNameOrPriceIsUsable() throws Exception {
        Product bare = Product.newBuilder().setProductId("p3").setUpdatedAt(NOW).build();

        assertThat(deserializer.ingest(record("p3", encode(bare))).isDeadLetter()).isFalse();
    }
}
