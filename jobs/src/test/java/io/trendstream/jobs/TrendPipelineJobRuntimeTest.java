package io.trendstream.jobs;

import io.trendstream.config.PipelineConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.rocksdb.CompressionType;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The runtime settings the job brings along, so that `flink run` on any cluster gets them (flink-conf/ has the same). */
class TrendPipelineJobRuntimeTest {

    private static ReadableConfig runtimeOf(String... extraArgs) {
        String[] args = new String[6 + extraArgs.length];
        System.arraycopy(new String[] {"--kafka.bootstrap-servers", "localhost:9092",
                "--schema-registry.url", "http://localhost:8085",
                "--jdbc.url", "jdbc:postgresql://localhost:5432/trendstream"}, 0, args, 0, 6);
        System.arraycopy(extraArgs, 0, args, 6, extraArgs.length);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TrendPipelineJob.configureRuntime(env, PipelineConfig.resolve(args, Map.of(), new Configuration()));
        return env.getConfiguration();
    }

    @Test
    void rocksDbWithHeapTimersBloomFiltersAndUncompressedShortLivedLevels() {
        ReadableConfig runtime = runtimeOf();

        assertThat(runtime.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(runtime.get(RocksDBOptions.TIMER_SERVICE_FACTORY))
                .isEqualTo(EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        assertThat(runtime.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        assertThat(runtime.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).containsExactly(
                CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION);
    }

    @Test
    void restartsBackOffToTheMaxDelayAndNeverGiveUpUnlessLimited() {
        ReadableConfig runtime = runtimeOf("--restart.initial-delay", "2 s", "--restart.max-delay", "30 s");

        assertThat(runtime.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(runtime.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(runtime.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(runtime.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .as("attempts by default").isEqualTo(Integer.MAX_VALUE);
        assertThat(runtimeOf("--restart.attempts", "5").get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .as("attempts when limited").isEqualTo(5);
    }

    @Test
    void sourcesEmitWatermarksAtTheConfiguredInterval() {
        assertThat(runtimeOf().get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).as("by default")
                .isEqualTo(io.trendstream.config.PipelineOptions.WATERMARK_INTERVAL.defaultValue());
        assertThat(runtimeOf("--watermark.interval", "50 ms").get(PipelineOptions.AUTO_WATERMARK_INTERVAL))
                .isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void heapStateWhenAsked() {
        assertThat(runtimeOf("--state.rocksdb", "false").get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    }
}
