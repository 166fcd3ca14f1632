package io.trendstream.config;

import io.trendstream.jdbc.ExactlyOnceJdbcSink;
import io.trendstream.jdbc.XaTransactionId;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.TimeUtils;

import java.util.Map;

import static io.trendstream.config.PipelineOptions.*;

/**
 * The pipeline's settings, resolved from defaults, the Flink configuration, the environment and
 * program arguments (see {@link PipelineOptions}) and validated as a whole before any operator is
 * built. An invalid or missing setting fails with an {@link IllegalConfigurationException} that
 * names the setting and where its value came from.
 */
public final class PipelineConfig {

    private final ResolvedSettings settings;

    private PipelineConfig(ResolvedSettings settings) {
        this.settings = settings;
    }

    /**
     * Resolves the settings.
     *
     * @param args program arguments, {@code --key value} or {@code --key=value}
     * @param environment the process environment
     * @param flinkConfig the Flink configuration the job was submitted with
     */
    public static PipelineConfig resolve(String[] args, Map<String, String> environment, ReadableConfig flinkConfig) {
        PipelineConfig config = new PipelineConfig(
                ResolvedSettings.resolve(PipelineOptions.all(), PipelineOptions.SECRETS, args, environment, flinkConfig));
        config.validate();
        return config;
    }

    public <T> T get(ConfigOption<T> option) {
        return settings.get(option);
    }

    private void validate() {
        checkConnections(settings);

        settings.positive(WINDOW_SIZE);
        settings.notNegative(ALLOWED_LATENESS);
        settings.notNegative(OUT_OF_ORDERNESS);
        settings.positive(SOURCE_IDLENESS);
        settings.notNegative(ALIGNMENT_MAX_DRIFT);
        settings.positive(ALIGNMENT_UPDATE_INTERVAL);
        settings.positive(WATERMARK_INTERVAL);
        settings.positive(CHECKPOINT_INTERVAL);
        settings.positive(PARTITION_DISCOVERY_INTERVAL);
        settings.positive(RESTART_DELAY);
        settings.check(RESTART_MAX_DELAY, v -> v.compareTo(get(RESTART_DELAY)) >= 0,
                "must be at least restart.initial-delay (" + TimeUtils.formatWithHighestUnit(get(RESTART_DELAY)) + ")");
        settings.positive(RESTART_RESET_AFTER);
        settings.check(KAFKA_TRANSACTION_TIMEOUT, v -> v.compareTo(get(CHECKPOINT_INTERVAL)) > 0,
                "must be longer than checkpoint.interval, or transactions time out before they commit");
        settings.check(EMA_ALPHA, v -> v > 0 && v <= 1, "must be in (0, 1]");
        settings.check(WARM_UP_WINDOWS, v -> v >= 0, "must be 0 or more");
        settings.check(MEDIUM_RATIO, v -> v > 1, "must be greater than 1");
        settings.check(HIGH_RATIO, v -> v >= get(MEDIUM_RATIO), "must be at least trend.medium-ratio (" + get(MEDIUM_RATIO) + ")");
        settings.check(BASELINE_TTL, v -> v.compareTo(get(WINDOW_SIZE)) > 0, "must be longer than window.size (" + get(WINDOW_SIZE) + ")");
        settings.check(JDBC_BATCH_SIZE, v -> v > 0, "must be positive");
        ExactlyOnceJdbcSink.lockTimeoutProblem(get(JDBC_LOCK_TIMEOUT)).ifPresent(problem -> {
            throw settings.invalid(JDBC_LOCK_TIMEOUT, problem);
        });
        checkXaPipelineId();
        settings.check(BUNDLE_SIZE, v -> v > 0, "must be positive");
        settings.check(FOLD_AFTER, v -> v >= 0, "must be 0 or more");
        settings.check(HELD_ACTIVITIES, v -> v > 0, "must be positive");
        settings.check(HELD_WINDOWS, v -> v > 0, "must be positive");
        settings.check(RESTART_ATTEMPTS, v -> v >= 1, "must be 1 or more (Flink refuses a restart strategy without attempts), or unset (never give up)");
        settings.check(WINDOW_SIZE, v -> v.toMillis() % 1000 == 0, "must be a whole number of seconds");
    }

    /**
     * The rules of the settings the gateway shares with the job: where Kafka, the schema registry and the database
     * are, and how far ahead of the clock an event may be. The gateway checks them with this method.
     */
    public static void checkConnections(ResolvedSettings settings) {
        for (ConfigOption<?> option : REQUIRED) {
            settings.require(option);
        }
        settings.check(JDBC_URL, v -> v.startsWith("jdbc:postgresql://"), "must start with jdbc:postgresql://");
        settings.check(SCHEMA_REGISTRY_URL, v -> v.startsWith("http://") || v.startsWith("https://"),
                "must be an http:// or https:// URL");
        settings.check(KAFKA_BOOTSTRAP_SERVERS, v -> v.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*"),
                "must be host:port[,host:port...]");
        settings.check(SCHEMA_REGISTRY_USER_INFO, v -> v.contains(":"), "must be user:password");
        settings.positive(MAX_FUTURE_SKEW);
    }

    /** The XA pipeline id names transactions; whichever setting it comes from must fit an XA global transaction id. */
    private void checkXaPipelineId() {
        ConfigOption<String> source = get(JDBC_XA_PIPELINE_ID) != null ? JDBC_XA_PIPELINE_ID : TRANSACTIONAL_ID_PREFIX;
        XaTransactionId.pipelineIdProblem(get(source)).ifPresent(problem -> {
            throw settings.invalid(source, problem + (source == TRANSACTIONAL_ID_PREFIX
                    ? " (it is also the XA pipeline id while " + JDBC_XA_PIPELINE_ID.key() + " is unset)" : ""));
        });
    }

    // ------------------------------------------------------------ typed views for the operators

    public TrendSettings trendSettings() {
        return new TrendSettings(get(EMA_ALPHA), get(WARM_UP_WINDOWS), get(MEDIUM_RATIO), get(HIGH_RATIO), get(BASELINE_TTL));
    }

    /** The pipeline's identity in the database's XA transaction ids. */
    public String xaPipelineId() {
        String id = get(JDBC_XA_PIPELINE_ID);
        return id != null ? id : get(TRANSACTIONAL_ID_PREFIX);
    }

    public WindowSettings windowSettings() {
        return new WindowSettings(get(WINDOW_SIZE), get(ALLOWED_LATENESS), get(OUT_OF_ORDERNESS), get(SOURCE_IDLENESS));
    }

    public WatermarkAlignment watermarkAlignment() {
        return new WatermarkAlignment(get(ALIGNMENT_MAX_DRIFT), get(ALIGNMENT_UPDATE_INTERVAL));
    }

    public WindowMemory windowMemory() {
        return new WindowMemory(get(BUNDLE_SIZE), get(FOLD_AFTER), get(HELD_ACTIVITIES), get(HELD_WINDOWS));
    }

    /** All settings with their values and origins, secrets masked: safe to log. */
    @Override
    public String toString() {
        return settings.describe("PipelineConfig");
    }
}
