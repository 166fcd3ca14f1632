package io.trendstream.functions;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/**
 * The same specification on RocksDB, the job's default state backend, where every read of the
 * baseline is a fresh copy rather than the object in state.
 */
class TrendDetectorOnRocksDbTest extends TrendDetectorTest {

    @Override
    protected StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }
}
