package io.trendstream.records;

import io.trendstream.events.Product;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A catalog change crosses the network (to every enrichment subtask) as a Flink POJO with the product as Avro. */
class CatalogChangeTest {

    private static CatalogChange roundTrip(CatalogChange change) throws Exception {
        TypeSerializer<CatalogChange> serializer = CatalogChange.typeInfo().createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(change, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void isAFlinkPojo() {
        assertThat(CatalogChange.typeInfo()).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void anUpsertAndARemovalSurviveSerialization() throws Exception {
        Product laptop = Product.newBuilder().setProductId("p3").setName("Laptop").setCategory("Computers")
                .setListPrice(new BigDecimal("1299.00")).setUpdatedAt(Instant.parse("2026-11-30T12:00:00Z")).build();

        assertThat(roundTrip(CatalogChange.upsert(laptop))).isEqualTo(CatalogChange.upsert(laptop));
        assertThat(roundTrip(CatalogChange.removal("p3"))).isEqualTo(CatalogChange.removal("p3"));
    }
}
