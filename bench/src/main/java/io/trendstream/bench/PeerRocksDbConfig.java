package io.trendstream.bench;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;

import java.util.Map;

/**
 * The Kafka Streams peer's RocksDB settings, as for the pipeline's: window contents live minutes and are read back
 * once, so no compression (the pipeline leaves levels 0 and 1 uncompressed, where such data sits); larger write
 * buffers (fewer flushes) and a larger block cache than Kafka Streams' defaults (16 MB memtables, 50 MB cache).
 */
public final class PeerRocksDbConfig implements RocksDBConfigSetter {
    private static final long WRITE_BUFFER_BYTES = 64L << 20;
    private static final long BLOCK_CACHE_BYTES = 128L << 20;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        options.setCompressionType(CompressionType.NO_COMPRESSION);
        options.setWriteBufferSize(WRITE_BUFFER_BYTES);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCacheSize(BLOCK_CACHE_BYTES);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // nothing allocated here that Kafka Streams does not close
    }
}
