package io.trendstream.functions;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The same specification on RocksDB, the job's default state backend, where TTL is RocksDB's. */
class DeduplicatorOnRocksDbTest extends DeduplicatorTest {

    @Override
    protected StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }

    @Test
    void runsOnRocksDb() {
        assertThat(harness().getOperator().getKeyedStateBackend().getClass().getSimpleName()).startsWith("RocksDB");
    }
}
