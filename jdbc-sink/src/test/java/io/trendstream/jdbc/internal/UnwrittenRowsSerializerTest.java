package io.trendstream.jdbc.internal;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterStateSerializer;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's state: rows no transaction took before a checkpoint; earlier versions' state restores as none. */
class UnwrittenRowsSerializerTest {

    private final UnwrittenRowsSerializer<Tuple2<String, Long>> serializer = new UnwrittenRowsSerializer<>(
            Types.<Tuple2<String, Long>>TUPLE(Types.STRING, Types.LONG).createSerializer(new SerializerConfigImpl()));

    @Test
    void rowsSurviveASnapshot() throws Exception {
        List<Tuple2<String, Long>> rows = List.of(Tuple2.of("p1", 1_035L), Tuple2.of("p2", 0L));

        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(rows))).isEqualTo(rows);
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(List.of()))).isEmpty();
    }

    @Test
    void theJdbcConnectorsWriterStateRestoresAsNoRows() throws Exception {
        JdbcWriterStateSerializer connector = new JdbcWriterStateSerializer();
        byte[] state = connector.serialize(JdbcWriterState.of(
                List.of(TransactionId.create(new byte[16], 0, 1).withBranch(4)),
                List.of(TransactionId.create(new byte[16], 0, 1).withBranch(5))));

        assertThat(connector.getVersion()).isEqualTo(2).isLessThan(serializer.getVersion());
        assertThat(serializer.deserialize(connector.getVersion(), state)).isEmpty();
        assertThat(serializer.deserialize(1, state)).isEmpty();
    }
}
