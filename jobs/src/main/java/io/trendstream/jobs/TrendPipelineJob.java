package io.trendstream.jobs;

import io.trendstream.config.PipelineConfig;
import io.trendstream.events.TrendAlert;
import io.trendstream.jdbc.ExactlyOnceJdbcSink;
import io.trendstream.jdbc.PostgresXaConnection;
import io.trendstream.records.LateEvent;
import io.trendstream.records.WindowAggregate;
import io.trendstream.sink.LateEventInsert;
import io.trendstream.sink.ProductUpsert;
import io.trendstream.sink.SinkChunks;
import io.trendstream.sink.TrendAlertUpsert;
import io.trendstream.sink.WindowAggregateUpsert;
import io.trendstream.workflows.PipelineOutputs;
import io.trendstream.workflows.TrendPipelineWorkflow;
import io.trendstream.workflows.TrendPipelineWorkflow.Uids;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.rocksdb.CompressionType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static io.trendstream.config.PipelineOptions.*;

/**
 * Entry point of the TrendStream pipeline: {@code flink run jobs/target/trendstream-job.jar [--key value ...]}.
 * Settings are resolved and checked, and the database, registry and Kafka are asked whether they can
 * serve the job, all before the job is submitted.
 */
public final class TrendPipelineJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrendPipelineJob.class);

    /** Fixed at first submission; rescaling from a savepoint works up to this parallelism. */
    public static final int MAX_PARALLELISM = 128;

    private TrendPipelineJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PipelineConfig config = PipelineConfig.resolve(args, System.getenv(), env.getConfiguration());
        LOG.info("Resolved {}", config);
        DependencyPreflight.check(config);
        defineJob(env, config);
        env.execute(config.get(JOB_NAME));
    }

    /** The whole job on {@code env}: runtime settings, the Kafka sources and the exactly-once sinks. */
    public static void defineJob(StreamExecutionEnvironment env, PipelineConfig config) {
        configureRuntime(env, config);
        KafkaConnectors kafka = new KafkaConnectors(config);
        TrendPipelineWorkflow.defineWorkflow(env, config.windowSettings(), config.watermarkAlignment(),
                config.windowMemory(), config.trendSettings(), kafka.orders(), kafka.views(), kafka.products(),
                productionOutputs(config, kafka));
    }

    /** Checkpointing, state backend and restarts, as the configuration says. */
    public static void configureRuntime(StreamExecutionEnvironment env, PipelineConfig config) {
        Configuration runtime = new Configuration();
        runtime.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(CHECKPOINT_INTERVAL));
        runtime.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        runtime.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // The aligned sources check each partition against the alignment's limit when they emit a watermark.
        runtime.set(org.apache.flink.configuration.PipelineOptions.AUTO_WATERMARK_INTERVAL, config.get(WATERMARK_INTERVAL));
        if (config.get(ROCKSDB_STATE)) {
            runtime.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            runtime.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            // Point lookups of keys that are often absent (a window's duplicate count, a new product's baseline)
            // are answered by a bloom filter without reading SST blocks. On in the benchmark's runs, not measured alone.
            runtime.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
            // Window contents live minutes: they are written, flushed to level 0 or 1, read once when the window
            // fires and deleted. Compressing them cost the flush thread most of its time (bench/README.md).
            runtime.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, List.of(
                    CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION));
            // A handful of window timers per product: on the heap they cost no RocksDB write per element.
            runtime.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        } else {
            runtime.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        }
        configureRestarts(runtime, config);
        env.configure(runtime);
        env.setMaxParallelism(MAX_PARALLELISM);
        // Functions never hold on to their inputs, so chained operators can pass objects without copies.
        env.getConfig().enableObjectReuse();
    }

    /**
     * Restarts back off exponentially and, unless {@code restart.attempts} is set, never give up. A job fails
     * because a dependency is down (database, broker, registry), which may last any time and ends on its own, or
     * because of a defect, which no number of restarts mends (bad input is never a reason: it becomes dead letters).
     * Giving up after N attempts turns every outage longer than the budget into a manual resubmission and gains
     * nothing over retrying: either way nothing is committed until the cause is gone. So the job retries quickly
     * after a blip and at most every {@code restart.max-delay} during a long outage, where a restart costs one
     * deployment and a refused connection. (A failure-rate strategy gives up precisely when an outage is long.) The
     * outage stays visible: numRestarts grows, and each failure's cause, naming the host and port, is in the
     * JobManager log and the dashboard's Exceptions tab.
     */
    static void configureRestarts(Configuration runtime, PipelineConfig config) {
        Integer attempts = config.get(RESTART_ATTEMPTS);
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, config.get(RESTART_DELAY));
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, config.get(RESTART_MAX_DELAY));
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, config.get(RESTART_RESET_AFTER));
        // Spreads the restarts of jobs that lost the same dependency at the same moment.
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        runtime.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                attempts == null ? Integer.MAX_VALUE : attempts);
    }

    /** Exactly-once everywhere: XA into the database, transactions into Kafka. */
    public static PipelineOutputs productionOutputs(PipelineConfig config, KafkaConnectors kafka) {
        DatabaseSinks database = new DatabaseSinks(config);
        String alertsTopic = config.get(ALERTS_TOPIC);
        String dlqTopic = config.get(DEAD_LETTER_TOPIC);
        String windowStatsTopic = config.get(WINDOW_STATS_TOPIC);
        return new PipelineOutputs(
                stats -> stats.sinkTo(database.sink(WindowAggregateUpsert.TABLE, new WindowAggregateUpsert(), stats.getType())
                                .withHypertableChunks(SinkChunks.of(WindowAggregateUpsert.TABLE, WindowAggregate::windowStart)))
                        .name("Database: " + WindowAggregateUpsert.TABLE).uid(Uids.WINDOW_STATS_SINK),
                alerts -> {
                    alerts.sinkTo(kafka.alerts()).name("Kafka: " + alertsTopic).uid(Uids.ALERTS_KAFKA_SINK);
                    alerts.sinkTo(database.sink(TrendAlertUpsert.TABLE, new TrendAlertUpsert(), alerts.getType())
                                    .withHypertableChunks(SinkChunks.of(TrendAlertUpsert.TABLE, (TrendAlert alert) -> alert.getWindowStart().toEpochMilli())))
                            .name("Database: " + TrendAlertUpsert.TABLE).uid(Uids.ALERTS_DATABASE_SINK);
                },
                late -> late.sinkTo(database.sink(LateEventInsert.TABLE, new LateEventInsert(), late.getType())
                                .withHypertableChunks(SinkChunks.of(LateEventInsert.TABLE, LateEvent::eventTime)))
                        .name("Database: " + LateEventInsert.TABLE).uid(Uids.LATE_EVENTS_SINK),
                deadLetters -> deadLetters.sinkTo(kafka.deadLetters()).name("Kafka: " + dlqTopic).uid(Uids.DEAD_LETTERS_SINK),
                stats -> stats.sinkTo(kafka.windowStats()).name("Kafka: " + windowStatsTopic).uid(Uids.WINDOW_STATS_KAFKA_SINK),
                products -> products.sinkTo(database.sink(ProductUpsert.TABLE, new ProductUpsert(), products.getType()))
                        .name("Database: " + ProductUpsert.TABLE).uid(Uids.PRODUCTS_SINK));
    }

    /** The exactly-once sinks into the database, each named for its table, as the jdbc.* settings configure them. */
    private static final class DatabaseSinks {
        private final PostgresXaConnection db;
        private final String pipeline;
        private final int batch;
        private final Duration lockTimeout;

        DatabaseSinks(PipelineConfig config) {
            this.db = jdbcConnection(config);
            this.pipeline = config.xaPipelineId();
            this.batch = config.get(JDBC_BATCH_SIZE);
            this.lockTimeout = config.get(JDBC_LOCK_TIMEOUT);
        }

        <T> ExactlyOnceJdbcSink<T> sink(String table, JdbcQueryStatement<T> statement, TypeInformation<T> type) {
            return ExactlyOnceJdbcSink.of(pipeline, table, statement, type, db, batch).withLockTimeout(lockTimeout);
        }
    }

    public static PostgresXaConnection jdbcConnection(PipelineConfig config) {
        return new PostgresXaConnection(config.get(JDBC_URL), config.get(JDBC_USER), config.get(JDBC_PASSWORD));
    }
}
