package io.trendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.rocksdb.CompressionType;

import org.junit.jupiter.api.Test;

/** Reads flink-conf/config.yaml with Flink's own parser and checks the settings the pipeline depends on. */
class FlinkConfigTest {

    private static final String CONF_DIR = "flink-conf";

    /** Option holders whose keys config.yaml may use. */
    private static final List<Class<?>> OPTION_CLASSES = List.of(
            CheckpointingOptions.class, StateBackendOptions.class, RestartStrategyOptions.class,
            RestOptions.class, JobManagerOptions.class, TaskManagerOptions.class, CoreOptions.class,
            BlobServerOptions.class, RocksDBOptions.class, RocksDBConfigurableOptions.class);

    /** Reporter-specific keys of the reporter named "prom" (not ConfigOptions of flink-core). */
    private static final Set<String> PROM_REPORTER_KEYS = Set.of(
            "metrics.reporter.prom.factory.class", "metrics.reporter.prom.port");

    private static Configuration load() {
        return GlobalConfiguration.loadConfiguration(RepoFiles.path(CONF_DIR).toString());
    }

    @Test
    void thereIsNoLegacyFlinkConfYaml() {
        // Flink 2 reads only config.yaml; a flink-conf.yaml beside it would be silently ignored.
        assertThat(RepoFiles.path(CONF_DIR + "/config.yaml")).isRegularFile();
        assertThat(RepoFiles.path(CONF_DIR + "/flink-conf.yaml")).doesNotExist();
    }

    @Test
    void stateBackendIsRocksDbWithIncrementalExactlyOnceCheckpoints() {
        Configuration conf = load();
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS)).isEqualTo(Duration.ofSeconds(5));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEqualTo(3);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///opt/flink/checkpoints");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEqualTo("file:///opt/flink/savepoints");
    }

    @Test
    void restartsBackOffExponentially() {
        Configuration conf = load();
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER)).isEqualTo(2.0);
    }

    @Test
    void clusterAddressesMemoryAndSlots() {
        Configuration conf = load();
        assertThat(conf.get(RestOptions.PORT)).isEqualTo(8081);
        assertThat(conf.get(RestOptions.ADDRESS)).isEqualTo("jobmanager");
        assertThat(conf.get(RestOptions.BIND_ADDRESS)).isEqualTo("0.0.0.0");
        assertThat(conf.get(JobManagerOptions.ADDRESS)).isEqualTo("jobmanager");
        assertThat(conf.get(JobManagerOptions.BIND_HOST)).isEqualTo("0.0.0.0");
        assertThat(conf.get(TaskManagerOptions.BIND_HOST)).isEqualTo("0.0.0.0");
        // Unset on purpose: each scaled TaskManager must advertise its own address.
        assertThat(conf.contains(TaskManagerOptions.HOST)).isFalse();
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        assertThat(conf.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY)).isEqualTo(MemorySize.parse("1728m"));
        assertThat(conf.get(JobManagerOptions.TOTAL_PROCESS_MEMORY)).isEqualTo(MemorySize.parse("1600m"));
        // Java 17 needs the --add-opens the distribution's own config.yaml carries.
        assertThat(conf.get(CoreOptions.FLINK_JVM_OPTIONS))
                .contains("--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED")
                .doesNotContain("\n");
    }

    @Test
    void rocksDbKeepsTimersOnTheHeapAndUsesBloomFilters() {
        Map<String, String> flat = load().toMap();
        // The job sets the same (TrendPipelineJob.configureRuntime); measured in bench/README.md.
        assertThat(flat).containsEntry(RocksDBOptions.TIMER_SERVICE_FACTORY.key(), "HEAP")
                .containsEntry(RocksDBConfigurableOptions.USE_BLOOM_FILTER.key(), "true");
    }

    @Test
    void rocksDbLeavesTheShortLivedLevelsUncompressed() {
        // As the job sets it: window contents are read back from levels 0 and 1.
        assertThat(load().get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).containsExactly(
                CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION);
    }

    @Test
    void prometheusReporterIsEnabled() {
        Map<String, String> flat = load().toMap();
        assertThat(flat).containsEntry("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(flat.get("metrics.reporter.prom.port")).matches("9249(-\\d+)?");
    }

    @Test
    void everyKeyIsACurrentFlinkOption() throws IllegalAccessException {
        Set<String> known = new HashSet<>();
        Set<String> deprecated = new HashSet<>();
        for (Class<?> holder : OPTION_CLASSES) {
            for (Field f : holder.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                    known.add(option.key());
                    option.fallbackKeys().forEach(k -> deprecated.add(k.getKey()));
                }
            }
        }
        assertThat(known).contains("execution.checkpointing.incremental", "state.backend.type");

        Map<String, Object> keys = flatten(RepoFiles.yaml(CONF_DIR + "/config.yaml"));
        List<String> unknown = new ArrayList<>();
        for (String key : keys.keySet()) {
            if (!known.contains(key) && !PROM_REPORTER_KEYS.contains(key)) {
                unknown.add(deprecated.contains(key) ? key + " (deprecated)" : key);
            }
        }
        assertThat(unknown).isEmpty();
    }

    @Test
    void localStackOverridesWithDynamicProperties() {
        // What `-D key=value` does for the local stack: overrides win over the file, nothing else changes.
        Configuration overrides = new Configuration();
        overrides.setString("execution.checkpointing.dir", "file:///tmp/trendstream/checkpoints");
        overrides.setString("rest.address", "localhost");
        Configuration conf = GlobalConfiguration.loadConfiguration(RepoFiles.path(CONF_DIR).toString(), overrides);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///tmp/trendstream/checkpoints");
        assertThat(conf.get(RestOptions.ADDRESS)).isEqualTo("localhost");
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    }

    @Test
    void logConfigurationsForTheContainersAreThere() throws IOException {
        // FLINK_CONF_DIR replaces the image's conf/, so the log4j files the scripts name must be here.
        for (String file : List.of("log4j-console.properties", "log4j-cli.properties")) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(RepoFiles.path(CONF_DIR + "/" + file))) {
                p.load(r);
            }
            assertThat(p.getProperty("rootLogger.level")).as(file).isEqualTo("INFO");
            assertThat(p.getProperty("rootLogger.appenderRef.console.ref")).as(file).isEqualTo("ConsoleAppender");
            assertThat(p.getProperty("appender.console.type")).as(file).isEqualTo("CONSOLE");
        }
    }

    /** Nested YAML maps to Flink's dotted keys (config.yaml accepts both forms). */
    private static Map<String, Object> flatten(Map<String, Object> yaml) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flattenInto("", yaml, flat);
        return flat;
    }

    private static void flattenInto(String prefix, Map<String, Object> yaml, Map<String, Object> flat) {
        yaml.forEach((k, v) -> {
            String key = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> nested) {
                flattenInto(key, RepoFiles.map(nested), flat);
            } else {
                flat.put(key, v);
            }
        });
    }
}
