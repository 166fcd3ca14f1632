package io.trendstream.records;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.OrderEvent;
import io.trendstream.testing.Events;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The records travel between operators and live in state with Flink's own serializers: POJOs (so
 * that state fields can be added across savepoints), or for the bundles a serializer of our own; never Kryo.
 */
class RecordTypesTest {

    @ParameterizedTest
    @ValueSource(classes = {TrendBaseline.class, ActivityAccumulator.class, ProductActivity.class,
            WindowAggregate.class, LateEvent.class})
    void isAFlinkPojo(Class<?> type) {
        assertThat(TypeInformation.of(type)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void anIngestedEventSurvivesSerialization() throws Exception {
        OrderEvent order = Events.validOrder();

        Ingested<OrderEvent> copy = roundTrip(Ingested.of(order, 1_234L));

        assertThat(copy.isDeadLetter()).isFalse();
        assertThat(copy.getEvent()).isEqualTo(order);
        assertThat(copy.getEventTime()).isEqualTo(1_234L);
        assertThat(copy.getDeadLetter()).isNull();
    }

    @Test
    void anIngestedDeadLetterSurvivesSerialization() throws Exception {
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setReason(DeadLetterReason.UNDECODABLE.name())
                .setDetail("bad bytes")
                .setSourceTopic("orders")
                .setSourcePartition(2)
                .setSourceOffset(99L)
                .setSourceTimestamp(Instant.ofEpochMilli(5_000))
                .setKey(null)
                .setPayload(ByteBuffer.wrap(new byte[] {0, 1, 2}))
                .build();

        Ingested<OrderEvent> copy = roundTrip(Ingested.failed(deadLetter));

        assertThat(copy.isDeadLetter()).isTrue();
        assertThat(copy.getDeadLetter()).isEqualTo(deadLetter);
        assertThat(copy.getEvent()).isNull();
        assertThat(copy.getEventTime()).isEqualTo(Ingested.NO_EVENT_TIME);
    }

    @Test
    void aDeadLetterHasNoEventTime() {
        assertThat(Ingested.failed(DeadLetter.newBuilder().setReason("EMPTY_RECORD").setDetail("")
                .setSourceTopic("t").setSourcePartition(0).setSourceOffset(0).setSourceTimestamp(Instant.EPOCH).build())
                .getEventTime()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aBundleTravelsWithItsOwnSerializer() throws Exception {
        TypeInformation<ActivityBundle> type = TypeInformation.of(ActivityBundle.class);
        assertThat(type).isInstanceOf(ActivityBundleTypeInfo.class);
        assertThat(type.createSerializer(new SerializerConfigImpl())).isInstanceOf(ActivityBundleSerializer.class);
    }

    @Test
    void aBundleHoldsOneProduct() {
        assertThatThrownBy(() -> new ActivityBundle("p-1", 60_000L, new ProductActivity[] {
                ProductActivity.view("v-1", "p-1", "u-1", 61_000L), ProductActivity.view("v-2", "p-2", "u-1", 61_000L)}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("v-2 is of product p-2, not p-1");
    }

    private static Ingested<OrderEvent> roundTrip(Ingested<OrderEvent> value) throws Exception {
        TypeInformation<Ingested<OrderEvent>> type = Ingested.typeInfo(OrderEvent.class);
        TypeSerializer<Ingested<OrderEvent>> serializer = type.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
