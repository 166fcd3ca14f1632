package io.trendstream.functions;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same specification on RocksDB, the job's default state backend, where every state access is
 * serialized.
 */
class ProductWindowOnRocksDbTest extends ProductWindowTest {

    @Override
    protected StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }

    /** RocksDB cannot count state entries; the window's cleanup timer is gone and its state reads empty. */
    @Override
    @Test
    void dropsAClosedWindowsStateOnceTheAllowedLatenessHasPassed() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100));
        harness.processWatermark(W1 - 1);
        harness.snapshot(1L, 1L); // writes what the heap holds to state
        assertThat(harness.numEventTimeTimers()).isOne();
        assertThat(keysWithContentsOfWindowW0()).containsExactly("p-1");

        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);

        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(keysWithContentsOfWindowW0()).isEmpty();
    }

    private List<String> keysWithContentsOfWindowW0() {
        List<String> states = List.of(WindowContents.BUNDLES, WindowContents.ORDERS, WindowContents.VIEWS, WindowContents.USERS,
                WindowContents.COUNTS);
        try (Stream<String> keys = harness.getOperator().<String>getKeyedStateBackend()
                .getKeys(states, new TimeWindow(W0, W1))) {
            return keys.distinct().toList();
        }
    }

    @Test
    void runsOnRocksDb() {
        assertThat(harness.getOperator().getKeyedStateBackend().getClass().getSimpleName()).startsWith("RocksDB");
    }
}
