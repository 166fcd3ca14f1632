package io.trendstream.config;

import io.trendstream.jdbc.XaTransactionId;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.trendstream.config.PipelineOptions.*;

/**
 * The pipeline's settings, resolved from defaults, the Flink configuration, the environment and
 * program arguments (see {@link PipelineOptions}) and validated as a whole before any operator is
 * built. An invalid or missing setting fails with an {@link IllegalConfigurationException} that
 * names the setting and where its value came from.
 */
public final class PipelineConfig {

    /** Prefix of the pipeline's keys in the Flink configuration (config.yaml, -D). */
    public static final String FLINK_PREFIX = "trendstream.";

    /** Prefix of the pipeline's environment variables. */
    public static final String ENV_PREFIX = "TRENDSTREAM_";

    private final Configuration values;
    private final Map<String, String> origins;

    private PipelineConfig(Configuration values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /**
     * Resolves the settings.
     *
     * @param args program arguments, {@code --key value} or {@code --key=value}
     * @param environment the process environment
     * @param flinkConfig the Flink configuration the job was submitted with
     */
    public static PipelineConfig resolve(String[] args, Map<String, String> environment, ReadableConfig flinkConfig) {
        Map<String, String> arguments = parseArguments(args);
        Set<String> known = PipelineOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
        for (String key : arguments.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalConfigurationException(
                        "Unknown program argument '--" + key + "'. Known settings: " + String.join(", ", known.stream().sorted().toList()));
            }
        }

        Map<String, String> raw = new HashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (ConfigOption<?> option : PipelineOptions.all()) {
            String key = option.key();
            String envName = environmentVariable(option);
            String flinkKey = FLINK_PREFIX + key;
            if (arguments.containsKey(key)) {
                raw.put(key, arguments.get(key));
                origins.put(key, "program argument --" + key);
            } else if (environment.get(envName) != null && !environment.get(envName).isBlank()) {
                raw.put(key, environment.get(envName));
                origins.put(key, "environment variable " + envName);
            } else {
                String fromFlink = flinkConfig.toMap().get(flinkKey);
                if (fromFlink != null) {
                    raw.put(key, fromFlink);
                    origins.put(key, "Flink configuration " + flinkKey);
                } else {
                    origins.put(key, "default");
                }
            }
        }

        Configuration values = Configuration.fromMap(raw);
        PipelineConfig config = new PipelineConfig(values, origins);
        for (ConfigOption<?> option : PipelineOptions.all()) {
            config.parse(option); // type errors first, naming the setting
        }
        config.validate();
        return config;
    }

    /** The environment variable that sets an option, e.g. TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS. */
    public static String environmentVariable(ConfigOption<?> option) {
        return ENV_PREFIX + option.key().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public <T> T get(ConfigOption<T> option) {
        return parse(option);
    }

    private <T> T parse(ConfigOption<T> option) {
        try {
            return values.get(option);
        } catch (IllegalArgumentException e) {
            throw invalid(option, "cannot be parsed as " + typeName(option) + " (" + rootMessage(e) + ")");
        }
    }

    private void validate() {
        for (ConfigOption<?> option : PipelineOptions.REQUIRED) {
            Object value = get(option);
            if (value == null || value.toString().isBlank()) {
                throw new IllegalConfigurationException(
                        "Missing required setting '" + option.key() + "': set --" + option.key()
                                + ", the environment variable " + environmentVariable(option) + ", or "
                                + FLINK_PREFIX + option.key() + " in the Flink configuration. " + option.description());
            }
        }
        check(JDBC_URL, v -> v.startsWith("jdbc:postgresql://"), "must start with jdbc:postgresql://");
        check(SCHEMA_REGISTRY_URL, v -> v.startsWith("http://") || v.startsWith("https://"), "must be an http:// or https:// URL");
        check(KAFKA_BOOTSTRAP_SERVERS, v -> v.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*"), "must be host:port[,host:port...]");
        check(SCHEMA_REGISTRY_USER_INFO, v -> v.contains(":"), "must be user:password");

        positive(WINDOW_SIZE);
        notNegative(ALLOWED_LATENESS);
        notNegative(OUT_OF_ORDERNESS);
        positive(SOURCE_IDLENESS);
        notNegative(ALIGNMENT_MAX_DRIFT);
        positive(ALIGNMENT_UPDATE_INTERVAL);
        positive(MAX_FUTURE_SKEW);
        positive(CHECKPOINT_INTERVAL);
        positive(PARTITION_DISCOVERY_INTERVAL);
        positive(RESTART_DELAY);
        check(RESTART_MAX_DELAY, v -> v.compareTo(get(RESTART_DELAY)) >= 0,
                "must be at least restart.initial-delay (" + TimeUtils.formatWithHighestUnit(get(RESTART_DELAY)) + ")");
        positive(RESTART_RESET_AFTER);
        check(KAFKA_TRANSACTION_TIMEOUT, v -> v.compareTo(get(CHECKPOINT_INTERVAL)) > 0,
                "must be longer than checkpoint.interval, or transactions time out before they commit");
        check(EMA_ALPHA, v -> v > 0 && v <= 1, "must be in (0, 1]");
        check(WARM_UP_WINDOWS, v -> v >= 0, "must be 0 or more");
        check(MEDIUM_RATIO, v -> v > 1, "must be greater than 1");
        check(HIGH_RATIO, v -> v >= get(MEDIUM_RATIO), "must be at least trend.medium-ratio (" + get(MEDIUM_RATIO) + ")");
        check(BASELINE_TTL, v -> v.compareTo(get(WINDOW_SIZE)) > 0, "must be longer than window.size (" + get(WINDOW_SIZE) + ")");
        check(JDBC_BATCH_SIZE, v -> v > 0, "must be positive");
        checkXaPipelineId();
        check(BUNDLE_SIZE, v -> v > 0, "must be positive");
        check(FOLD_AFTER, v -> v >= 0, "must be 0 or more");
        check(HELD_ACTIVITIES, v -> v > 0, "must be positive");
        check(HELD_WINDOWS, v -> v > 0, "must be positive");
        check(RESTART_ATTEMPTS, v -> v >= 1, "must be 1 or more (Flink refuses a restart strategy without attempts), or unset (never give up)");
        check(WINDOW_SIZE, v -> v.toMillis() % 1000 == 0, "must be a whole number of seconds");
    }

    /** The XA pipeline id names transactions; whichever setting it comes from must fit an XA global transaction id. */
    private void checkXaPipelineId() {
        ConfigOption<String> source = get(JDBC_XA_PIPELINE_ID) != null ? JDBC_XA_PIPELINE_ID : TRANSACTIONAL_ID_PREFIX;
        XaTransactionId.pipelineIdProblem(get(source)).ifPresent(problem -> {
            throw invalid(source, problem + (source == TRANSACTIONAL_ID_PREFIX
                    ? " (it is also the XA pipeline id while " + JDBC_XA_PIPELINE_ID.key() + " is unset)" : ""));
        });
    }

    private void positive(ConfigOption<Duration> option) {
        check(option, v -> !v.isNegative() && !v.isZero(), "must be longer than zero");
    }

    private void notNegative(ConfigOption<Duration> option) {
        check(option, v -> !v.isNegative(), "must not be negative");
    }

    private <T> void check(ConfigOption<T> option, Predicate<T> valid, String requirement) {
        T value = get(option);
        if (value != null && !valid.test(value)) {
            throw invalid(option, requirement);
        }
    }

    private IllegalConfigurationException invalid(ConfigOption<?> option, String requirement) {
        String raw = values.toMap().get(option.key());
        String shown = PipelineOptions.SECRETS.contains(option) ? "(secret)"
                : "'" + (raw != null ? raw : String.valueOf(option.defaultValue())) + "'";
        return new IllegalConfigurationException(
                "Invalid setting '" + option.key() + "' = " + shown + " from " + origins.get(option.key()) + ": " + requirement + ".");
    }

    private static String typeName(ConfigOption<?> option) {
        Object def = option.defaultValue();
        if (def instanceof Duration) {
            return "a duration (e.g. 30 s, 5 min)";
        }
        return def == null ? "text" : def.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** {@code --key value} and {@code --key=value} pairs, in order; also the gateway's argument syntax. */
    public static Map<String, String> parseArguments(String[] args) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalConfigurationException("Unexpected program argument '" + arg + "': expected --key value.");
            }
            String body = arg.substring(2);
            int eq = body.indexOf('=');
            if (eq > 0) {
                parsed.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                parsed.put(body, args[++i]);
            } else {
                throw new IllegalConfigurationException("Program argument '--" + body + "' has no value.");
            }
        }
        return parsed;
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
        StringBuilder text = new StringBuilder("PipelineConfig{");
        for (ConfigOption<?> option : PipelineOptions.all()) {
            Object value = get(option);
            boolean secret = PipelineOptions.SECRETS.contains(option);
            text.append("\n  ").append(option.key()).append(" = ")
                    .append(secret ? (value == null ? "(unset)" : "******") : value)
                    .append("  [").append(origins.get(option.key())).append(']');
        }
        return text.append("\n}").toString();
    }
}
