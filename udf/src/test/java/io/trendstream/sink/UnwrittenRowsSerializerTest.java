package io.trendstream.sink;

import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterStateSerializer;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's state: rows no transaction took before a checkpoint; earlier versions' state restores as none. */
class UnwrittenRowsSerializerTest {

    private final UnwrittenRowsSerializer<WindowAggregate> serializer = new UnwrittenRowsSerializer<>(
            TypeInformation.of(WindowAggregate.class).createSerializer(new SerializerConfigImpl()));

    @Test
    void rowsSurviveASnapshot() throws Exception {
        List<WindowAggregate> rows = List.of(
                new WindowAggregate("p1", 0, 300_000, 3, 5, 1_035, 2, 7),
                new WindowAggregate("p2", 300_000, 600_000, 0, 0, 0, 1, 1));

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
