package io.trendstream.sink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;

import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Restored with a lower parallelism, a subtask gets several writer states; the connector accepts one. */
class ExactlyOnceJdbcSinkTest {

    private static final byte[] JOB = new JobID().getBytes();

    private static TransactionId tx(int subtask, int subtasks, long checkpoint) {
        return TransactionId.create(JOB, subtask, subtasks).withBranch(checkpoint);
    }

    @Test
    void mergesTheStatesOfSeveralSubtasksIntoOneWithAllPreparedAndHangingTransactions() {
        JdbcWriterState first = JdbcWriterState.of(List.of(tx(0, 4, 7), tx(0, 4, 8)), List.of(tx(0, 4, 6)));
        JdbcWriterState second = JdbcWriterState.of(List.of(tx(1, 4, 8)), List.of());
        JdbcWriterState third = JdbcWriterState.of(List.of(), List.of(tx(2, 4, 5), tx(2, 4, 6)));

        Collection<JdbcWriterState> merged = ExactlyOnceJdbcSink.mergeForLowerParallelism(List.of(first, second, third));

        assertThat(merged).singleElement().satisfies(state -> {
            assertThat(state.getPrepared()).containsExactlyInAnyOrder(tx(0, 4, 7), tx(0, 4, 8), tx(1, 4, 8));
            assertThat(state.getHanging()).containsExactlyInAnyOrder(tx(0, 4, 6), tx(2, 4, 5), tx(2, 4, 6));
        });
    }

    @Test
    void mergesTwoStates() {
        JdbcWriterState first = JdbcWriterState.of(List.of(tx(0, 2, 3)), List.of(tx(0, 2, 2)));
        JdbcWriterState second = JdbcWriterState.of(List.of(tx(1, 2, 3)), List.of(tx(1, 2, 1)));

        Collection<JdbcWriterState> merged = ExactlyOnceJdbcSink.mergeForLowerParallelism(List.of(first, second));

        assertThat(merged).containsExactly(JdbcWriterState.of(
                List.of(tx(0, 2, 3), tx(1, 2, 3)), List.of(tx(0, 2, 2), tx(1, 2, 1))));
    }

    @Test
    void returnsASingleStateAsItIs() {
        List<JdbcWriterState> one = List.of(JdbcWriterState.of(List.of(tx(0, 1, 3)), List.of(tx(0, 1, 2))));

        assertThat(ExactlyOnceJdbcSink.mergeForLowerParallelism(one)).isSameAs(one);
    }

    @Test
    void returnsNoStateAsItIs() {
        List<JdbcWriterState> none = List.of();

        assertThat(ExactlyOnceJdbcSink.mergeForLowerParallelism(none)).isSameAs(none);
    }
}
