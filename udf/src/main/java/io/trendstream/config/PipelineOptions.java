package io.trendstream.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every setting of the pipeline, with its type, default and documentation: the one place where
 * configuration is declared. A setting is read, from lowest to highest precedence, from its default,
 * the Flink configuration ({@code config.yaml} or {@code -D}, with the key prefixed by
 * {@value ResolvedSettings#FLINK_PREFIX}), the environment ({@code TRENDSTREAM_} and the key in upper
 * case with dots and dashes as underscores), and program arguments ({@code --key value}).
 *
 * <p>The README's configuration table is checked against this class by a test.
 */
public final class PipelineOptions {

    // ---------------------------------------------------------------- Kafka

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers").stringType().noDefaultValue()
                    .withDescription("Kafka bootstrap servers, host:port[,host:port]. Required.");

    public static final ConfigOption<String> ORDERS_TOPIC =
            ConfigOptions.key("kafka.topic.orders").stringType().defaultValue("orders")
                    .withDescription("Topic of OrderEvent records.");

    public static final ConfigOption<String> VIEWS_TOPIC =
            ConfigOptions.key("kafka.topic.views").stringType().defaultValue("product-views")
                    .withDescription("Topic of ProductView records.");

    public static final ConfigOption<String> ALERTS_TOPIC =
            ConfigOptions.key("kafka.topic.alerts").stringType().defaultValue("trend-alerts")
                    .withDescription("Topic the TrendAlert records are written to, exactly-once.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC =
            ConfigOptions.key("kafka.topic.dead-letters").stringType().defaultValue("dead-letters")
                    .withDescription("Dead-letter topic: DeadLetter records with the raw bytes and the reason, exactly-once.");

    public static final ConfigOption<String> PRODUCTS_TOPIC =
            ConfigOptions.key("kafka.topic.products").stringType().defaultValue("products")
                    .withDescription("Compacted topic of the product catalog: Product records keyed by product id, a tombstone removes one. Read from the beginning on a fresh start; names window rows and alerts.");

    public static final ConfigOption<String> WINDOW_STATS_TOPIC =
            ConfigOptions.key("kafka.topic.window-stats").stringType().defaultValue("window-stats")
                    .withDescription("Topic every window firing is written to as a WindowStats record (with names and a revision), exactly-once; key product@window start, partitioned by product.");

    public static final ConfigOption<String> CONSUMER_GROUP =
            ConfigOptions.key("kafka.group-id").stringType().defaultValue("trendstream")
                    .withDescription("Consumer group; offsets are committed to it on checkpoints.");

    public static final ConfigOption<OffsetReset> OFFSET_RESET =
            ConfigOptions.key("kafka.offset-reset").enumType(OffsetReset.class).defaultValue(OffsetReset.EARLIEST)
                    .withDescription("Where to start when the group has no committed offset: EARLIEST or LATEST.");

    public static final ConfigOption<Duration> PARTITION_DISCOVERY_INTERVAL =
            ConfigOptions.key("kafka.partition-discovery-interval").durationType().defaultValue(Duration.ofSeconds(60))
                    .withDescription("How often the sources look for new partitions.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.transactional-id-prefix").stringType().defaultValue("trendstream")
                    .withDescription("Prefix of the Kafka sinks' transactional ids; unique per job on a cluster.");

    public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
            ConfigOptions.key("kafka.transaction-timeout").durationType().defaultValue(Duration.ofMinutes(15))
                    .withDescription("Kafka sink transaction timeout; at most the brokers' transaction.max.timeout.ms.");

    // ---------------------------------------------------------------- Schema registry

    public static final ConfigOption<String> SCHEMA_REGISTRY_URL =
            ConfigOptions.key("schema-registry.url").stringType().noDefaultValue()
                    .withDescription("Schema registry URL (Confluent REST API). Required.");

    public static final ConfigOption<String> SCHEMA_REGISTRY_USER_INFO =
            ConfigOptions.key("schema-registry.basic-auth.user-info").stringType().noDefaultValue()
                    .withDescription("user:password for the registry's basic auth. Secret: set it in the environment.");

    public static final ConfigOption<String> SCHEMA_REGISTRY_TRUSTSTORE =
            ConfigOptions.key("schema-registry.ssl.truststore.location").stringType().noDefaultValue()
                    .withDescription("Trust store for an https registry URL.");

    public static final ConfigOption<String> SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD =
            ConfigOptions.key("schema-registry.ssl.truststore.password").stringType().noDefaultValue()
                    .withDescription("Password of the trust store. Secret: set it in the environment.");

    // ---------------------------------------------------------------- Database

    public static final ConfigOption<String> JDBC_URL =
            ConfigOptions.key("jdbc.url").stringType().noDefaultValue()
                    .withDescription("PostgreSQL/TimescaleDB JDBC URL, jdbc:postgresql://host:port/db. Required.");

    public static final ConfigOption<String> JDBC_USER =
            ConfigOptions.key("jdbc.user").stringType().defaultValue("trendstream")
                    .withDescription("Database user.");

    public static final ConfigOption<String> JDBC_PASSWORD =
            ConfigOptions.key("jdbc.password").stringType().noDefaultValue()
                    .withDescription("Database password. Secret: set it in the environment.");

    public static final ConfigOption<Integer> JDBC_BATCH_SIZE =
            ConfigOptions.key("jdbc.batch-size").intType().defaultValue(1000)
                    .withDescription("Rows per JDBC batch inside a transaction; each full batch is written as it fills, ahead of the checkpoint.");

    public static final ConfigOption<Duration> JDBC_LOCK_TIMEOUT =
            ConfigOptions.key("jdbc.lock-timeout").durationType().defaultValue(Duration.ofSeconds(60))
                    .withDescription("How long a statement of the database sinks waits for a lock before the job fails over"
                            + " (PostgreSQL's lock_timeout, set on the sinks' sessions). A lock held by a transaction"
                            + " prepared for a checkpoint that waits for the waiting sink is released by nothing else."
                            + " Keep it above the longest lock the database's maintenance holds on the tables.");

    public static final ConfigOption<String> JDBC_XA_PIPELINE_ID =
            ConfigOptions.key("jdbc.xa.pipeline-id").stringType().noDefaultValue()
                    .withDescription("Identity of this pipeline in the database's XA transaction ids (at most 64 bytes):"
                            + " distinct for every pipeline sharing the database, the same across restores and upgrades"
                            + " of one pipeline. A restarting pipeline rolls back only its own abandoned transactions."
                            + " Unset: kafka.transactional-id-prefix, which has the same requirements.");

    // ---------------------------------------------------------------- Event time and windows

    public static final ConfigOption<Duration> WINDOW_SIZE =
            ConfigOptions.key("window.size").durationType().defaultValue(Duration.ofMinutes(5))
                    .withDescription("Size of the per-product tumbling event-time windows.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("window.allowed-lateness").durationType().defaultValue(Duration.ofMinutes(2))
                    .withDescription("A late event within this time after the window's end updates its row; a later one goes to late_events.");

    public static final ConfigOption<Integer> BUNDLE_SIZE =
            ConfigOptions.key("window.bundle-size").intType().defaultValue(100_000)
                    .withDescription("Activities a source subtask holds, over all products and windows, before sending them to the window operator as one bundle per product and window (a bundle of 64 KiB is sent at once); a window's bundles are also sent when the watermark reaches its end, and all at every checkpoint, so results do not depend on it.");

    public static final ConfigOption<Integer> FOLD_AFTER =
            ConfigOptions.key("window.fold-after").intType().defaultValue(50_000)
                    .withDescription("Activities one window holds as bundles before it folds them into a sorted run of its distinct events and users (a state write per 32 KiB block; runs merge so that they hold at most twice the distinct events). Bounds the heap a firing needs (about 200 bytes an activity); 0 folds every bundle as it arrives.");

    public static final ConfigOption<Long> HELD_ACTIVITIES =
            ConfigOptions.key("window.held-activities").longType().defaultValue(500_000L)
                    .withDescription("Activities of open windows a window subtask holds on the heap between checkpoints (25 to 40 bytes each); beyond it they are written to the state backend early. Windows that close before the next checkpoint never reach the state backend; a larger value moves work from RocksDB to the garbage collector (bench/README.md).");

    public static final ConfigOption<Integer> HELD_WINDOWS =
            ConfigOptions.key("window.held-windows").intType().defaultValue(100_000)
                    .withDescription("Open windows (product and window) whose counts a window subtask holds on the heap between checkpoints (about 200 bytes each); beyond it they are written to the state backend early.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("watermark.out-of-orderness").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("Bounded out-of-orderness of the event-time watermarks.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS =
            ConfigOptions.key("watermark.idleness").durationType().defaultValue(Duration.ofMinutes(1))
                    .withDescription("A partition with no valid events for this long (dead letters do not count) stops holding back the watermark.");

    public static final ConfigOption<Duration> ALIGNMENT_MAX_DRIFT =
            ConfigOptions.key("watermark.alignment.max-drift").durationType().defaultValue(Duration.ofMinutes(10))
                    .withDescription("How far ahead in event time a partition of the orders or views topic may read of the slowest one (Flink's watermark alignment); 0 turns alignment off. In a catch-up the source with fewer records per minute of event time runs ahead, and the window stage holds what it reads until the other catches up: beyond window.held-activities in the state backend. Too small for the update interval throttles a catch-up: a partition reads at most about this much event time per watermark.interval plus update interval (bench/README.md).");

    public static final ConfigOption<Duration> ALIGNMENT_UPDATE_INTERVAL =
            ConfigOptions.key("watermark.alignment.update-interval").durationType().defaultValue(Duration.ofMillis(100))
                    .withDescription("How often the aligned sources compare their watermarks (watermark.alignment.max-drift).");

    public static final ConfigOption<Duration> WATERMARK_INTERVAL =
            ConfigOptions.key("watermark.interval").durationType().defaultValue(Duration.ofMillis(50))
                    .withDescription("How often the sources emit watermarks (Flink's pipeline.auto-watermark-interval; the job sets it to this). An aligned partition is checked against the alignment's limit at each emission, so in a catch-up a fast partition reads past watermark.alignment.max-drift by what it reads in this time, and the window stage holds that much more (bench/README.md).");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            ConfigOptions.key("validation.max-future-skew").durationType().defaultValue(Duration.ofMinutes(10))
                    .withDescription("An event time further than this ahead of the wall clock is a dead letter.");

    // ---------------------------------------------------------------- Trend detection

    public static final ConfigOption<Double> EMA_ALPHA =
            ConfigOptions.key("trend.ema-alpha").doubleType().defaultValue(0.3)
                    .withDescription("Weight of the newest window in the EMA baseline, in (0, 1].");

    public static final ConfigOption<Integer> WARM_UP_WINDOWS =
            ConfigOptions.key("trend.warm-up-windows").intType().defaultValue(3)
                    .withDescription("Windows a product must have before its baseline is trusted for alerts.");

    public static final ConfigOption<Double> MEDIUM_RATIO =
            ConfigOptions.key("trend.medium-ratio").doubleType().defaultValue(1.5)
                    .withDescription("Window value / baseline at or above which a MEDIUM alert is raised.");

    public static final ConfigOption<Double> HIGH_RATIO =
            ConfigOptions.key("trend.high-ratio").doubleType().defaultValue(2.0)
                    .withDescription("Window value / baseline at or above which a HIGH alert is raised.");

    public static final ConfigOption<Duration> BASELINE_TTL =
            ConfigOptions.key("trend.baseline-ttl").durationType().defaultValue(Duration.ofHours(1))
                    .withDescription("A product with no window for this long (event time) has its baseline forgotten: "
                            + "it warms up again when it returns, and a vanished product's state is freed. Shorter gaps "
                            + "count as windows without activity, which the baseline decays over.");

    // ---------------------------------------------------------------- Runtime

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint.interval").durationType().defaultValue(Duration.ofSeconds(10))
                    .withDescription("Exactly-once checkpoint interval; rows reach the database when a checkpoint completes.");

    public static final ConfigOption<Boolean> ROCKSDB_STATE =
            ConfigOptions.key("state.rocksdb").booleanType().defaultValue(true)
                    .withDescription("RocksDB state backend with incremental checkpoints (false: heap state, for open windows that fit in memory; 713k against 631k events/s in one run of the benchmark's backlog replay, see bench/README.md).");

    public static final ConfigOption<Duration> RESTART_DELAY =
            ConfigOptions.key("restart.initial-delay").durationType().defaultValue(Duration.ofSeconds(1))
                    .withDescription("Delay before the first restart after a failure; each further restart doubles it, up to restart.max-delay.");

    public static final ConfigOption<Duration> RESTART_MAX_DELAY =
            ConfigOptions.key("restart.max-delay").durationType().defaultValue(Duration.ofMinutes(1))
                    .withDescription("Longest delay between restarts: while a dependency (database, broker, registry) is down the job retries this often, for as long as the outage lasts, and resumes at most this long after it ends.");

    public static final ConfigOption<Duration> RESTART_RESET_AFTER =
            ConfigOptions.key("restart.reset-after").durationType().defaultValue(Duration.ofMinutes(10))
                    .withDescription("Running this long without a failure resets the restart delay to restart.initial-delay.");

    public static final ConfigOption<Integer> RESTART_ATTEMPTS =
            ConfigOptions.key("restart.attempts").intType().noDefaultValue()
                    .withDescription("Restarts without restart.reset-after of running in between, after which the job fails for good. Unset: never give up, so an outage of any length is ridden out (numRestarts shows it).");

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name").stringType().defaultValue("TrendStream pipeline")
                    .withDescription("Job name in the dashboard and `flink list`.");

    /** Where sources start when the consumer group has no committed offset. */
    public enum OffsetReset {
        EARLIEST,
        LATEST
    }

    /** Options whose values are never printed. */
    public static final List<ConfigOption<?>> SECRETS =
            List.of(JDBC_PASSWORD, SCHEMA_REGISTRY_USER_INFO, SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD);

    /** Options without a default that must be set. */
    public static final List<ConfigOption<?>> REQUIRED =
            List.of(KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, JDBC_URL);

    /** All options declared above, in declaration order. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : PipelineOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableList(options);
    }

    /** The configuration table of the README, generated from the declarations above. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| Setting | Environment variable | Default | Meaning |\n|---|---|---|---|\n");
        HtmlFormatter formatter = new HtmlFormatter();
        for (ConfigOption<?> option : all()) {
            Object value = option.defaultValue();
            String shown = value == null ? (REQUIRED.contains(option) ? "**required**" : "(unset)")
                    : value instanceof Duration duration ? TimeUtils.formatWithHighestUnit(duration) : value.toString();
            table.append("| `").append(option.key()).append("` | `").append(ResolvedSettings.environmentVariable(option))
                    .append("` | ").append(shown).append(" | ")
                    .append(formatter.format(option.description()).replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    private PipelineOptions() {}
}
