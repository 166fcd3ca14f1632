package io.trendstream.gateway;

import io.trendstream.config.PipelineConfig;
import io.trendstream.config.PipelineOptions;
import io.trendstream.serialization.SchemaRegistrySettings;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The gateway's settings ({@link GatewayOptions}), resolved from defaults, the environment and program arguments,
 * and validated as a whole before anything starts. An invalid or missing setting fails with an
 * {@link IllegalConfigurationException} naming the setting and where its value came from; secrets are never shown.
 */
public final class GatewayConfig {

    private final Configuration values;
    private final Map<String, String> origins;

    private GatewayConfig(Configuration values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /** All settings the gateway reads: its own, then those it shares with the job. */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(GatewayOptions.OWN);
        all.addAll(GatewayOptions.SHARED);
        return all;
    }

    /**
     * Resolves the settings.
     *
     * @param args program arguments, {@code --key value} or {@code --key=value}
     * @param environment the process environment
     */
    public static GatewayConfig resolve(String[] args, Map<String, String> environment) {
        Map<String, String> arguments = PipelineConfig.parseArguments(args);
        List<String> known = options().stream().map(ConfigOption::key).sorted().toList();
        for (String key : arguments.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalConfigurationException(
                        "Unknown program argument '--" + key + "'. Known settings: " + String.join(", ", known));
            }
        }
        Map<String, String> raw = new HashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (ConfigOption<?> option : options()) {
            String key = option.key();
            String variable = environmentVariable(option);
            if (arguments.containsKey(key)) {
                raw.put(key, arguments.get(key));
                origins.put(key, "program argument --" + key);
            } else if (environment.get(variable) != null && !environment.get(variable).isBlank()) {
                raw.put(key, environment.get(variable));
                origins.put(key, "environment variable " + variable);
            } else {
                origins.put(key, "default");
            }
        }
        GatewayConfig config = new GatewayConfig(Configuration.fromMap(raw), origins);
        config.validate();
        return config;
    }

    /** Settings for tests and embedding: {@code key -> value}, as if given as program arguments. */
    public static GatewayConfig of(Map<String, String> settings) {
        List<String> args = new ArrayList<>();
        settings.forEach((key, value) -> {
            args.add("--" + key);
            args.add(value);
        });
        return resolve(args.toArray(String[]::new), Map.of());
    }

    /** The environment variable that sets an option, e.g. TRENDSTREAM_GATEWAY_PORT (the job's naming). */
    public static String environmentVariable(ConfigOption<?> option) {
        return PipelineConfig.environmentVariable(option);
    }

    public <T> T get(ConfigOption<T> option) {
        try {
            return values.get(option);
        } catch (IllegalArgumentException e) {
            throw invalid(option, "cannot be parsed (" + rootMessage(e) + ")");
        }
    }

    // ------------------------------------------------------------ typed views

    public String host() {
        return get(GatewayOptions.HOST);
    }

    public int port() {
        return get(GatewayOptions.PORT);
    }

    public String bootstrapServers() {
        return get(PipelineOptions.KAFKA_BOOTSTRAP_SERVERS);
    }

    public String ordersTopic() {
        return get(PipelineOptions.ORDERS_TOPIC);
    }

    public String viewsTopic() {
        return get(PipelineOptions.VIEWS_TOPIC);
    }

    public String alertsTopic() {
        return get(PipelineOptions.ALERTS_TOPIC);
    }

    public SchemaRegistrySettings schemaRegistry() {
        return SchemaRegistrySettings.builder(get(PipelineOptions.SCHEMA_REGISTRY_URL))
                .basicAuthUserInfo(get(PipelineOptions.SCHEMA_REGISTRY_USER_INFO))
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(10))
                .build();
    }

    public String jdbcUrl() {
        return get(PipelineOptions.JDBC_URL);
    }

    public String jdbcUser() {
        return get(PipelineOptions.JDBC_USER);
    }

    /** Secret: never log it. */
    public Optional<String> jdbcPassword() {
        return Optional.ofNullable(get(PipelineOptions.JDBC_PASSWORD));
    }

    public Duration maxFutureSkew() {
        return get(PipelineOptions.MAX_FUTURE_SKEW);
    }

    /** Secret: never log it. Empty when ingest needs no key. */
    public Optional<String> ingestApiKey() {
        return Optional.ofNullable(get(GatewayOptions.INGEST_API_KEY));
    }

    public long maxBodyBytes() {
        return get(GatewayOptions.INGEST_MAX_BODY_SIZE).getBytes();
    }

    public int maxBatchEvents() {
        return get(GatewayOptions.INGEST_MAX_BATCH_EVENTS);
    }

    public String transactionalId() {
        return get(GatewayOptions.INGEST_TRANSACTIONAL_ID);
    }

    public int transactionProducers() {
        return get(GatewayOptions.INGEST_TRANSACTION_PRODUCERS);
    }

    public int transactionMaxEvents() {
        return get(GatewayOptions.INGEST_TRANSACTION_MAX_EVENTS);
    }

    public Duration transactionLinger() {
        return get(GatewayOptions.INGEST_TRANSACTION_LINGER);
    }

    public Duration ackTimeout() {
        return get(GatewayOptions.INGEST_ACK_TIMEOUT);
    }

    public int idempotencyKeys() {
        return get(GatewayOptions.INGEST_IDEMPOTENCY_KEYS);
    }

    // ------------------------------------------------------------ validation

    private void validate() {
        for (ConfigOption<?> option : List.of(PipelineOptions.KAFKA_BOOTSTRAP_SERVERS,
                PipelineOptions.SCHEMA_REGISTRY_URL, PipelineOptions.JDBC_URL)) {
            if (get(option) == null || get(option).toString().isBlank()) {
                throw new IllegalConfigurationException("Missing required setting '" + option.key() + "': set --"
                        + option.key() + " or the environment variable " + environmentVariable(option) + ". "
                        + option.description());
            }
        }
        for (ConfigOption<?> option : options()) {
            get(option); // type errors first, naming the setting
        }
        check(PipelineOptions.JDBC_URL, v -> v.startsWith("jdbc:postgresql://"), "must start with jdbc:postgresql://");
        check(PipelineOptions.SCHEMA_REGISTRY_URL, v -> v.startsWith("http://") || v.startsWith("https://"),
                "must be an http:// or https:// URL");
        check(PipelineOptions.KAFKA_BOOTSTRAP_SERVERS, v -> v.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*"),
                "must be host:port[,host:port...]");
        check(PipelineOptions.SCHEMA_REGISTRY_USER_INFO, v -> v.contains(":"), "must be user:password");
        check(PipelineOptions.MAX_FUTURE_SKEW, GatewayConfig::positive, "must be longer than zero");
        check(GatewayOptions.PORT, v -> v >= 0 && v <= 65_535, "must be a port number, 0 to 65535");
        check(GatewayOptions.INGEST_API_KEY, v -> v.length() >= 16, "must be at least 16 characters long");
        check(GatewayOptions.INGEST_MAX_BODY_SIZE, v -> v.getBytes() >= 1024 && v.getBytes() <= Integer.MAX_VALUE,
                "must be between 1 kb and 2 gb");
        check(GatewayOptions.INGEST_MAX_BATCH_EVENTS, v -> v > 0, "must be positive");
        check(GatewayOptions.INGEST_TRANSACTIONAL_ID, v -> !v.isBlank(), "must not be blank");
        check(GatewayOptions.INGEST_TRANSACTION_PRODUCERS, v -> v >= 1 && v <= 16, "must be 1 to 16");
        check(GatewayOptions.INGEST_TRANSACTION_MAX_EVENTS, v -> v > 0, "must be positive");
        check(GatewayOptions.INGEST_TRANSACTION_LINGER, v -> !v.isNegative(), "must not be negative");
        check(GatewayOptions.INGEST_ACK_TIMEOUT, GatewayConfig::positive, "must be longer than zero");
        check(GatewayOptions.INGEST_IDEMPOTENCY_KEYS, v -> v >= 0, "must be 0 or more");
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private <T> void check(ConfigOption<T> option, Predicate<T> valid, String requirement) {
        T value = get(option);
        if (value != null && !valid.test(value)) {
            throw invalid(option, requirement);
        }
    }

    private IllegalConfigurationException invalid(ConfigOption<?> option, String requirement) {
        String raw = values.toMap().get(option.key());
        String shown = GatewayOptions.SECRETS.contains(option) ? "(secret)"
                : "'" + (raw != null ? raw : String.valueOf(option.defaultValue())) + "'";
        return new IllegalConfigurationException("Invalid setting '" + option.key() + "' = " + shown + " from "
                + origins.get(option.key()) + ": " + requirement + ".");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** All settings with their values and origins, secrets masked: safe to log. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("GatewayConfig{");
        for (ConfigOption<?> option : options()) {
            Object value = get(option);
            boolean secret = GatewayOptions.SECRETS.contains(option);
            text.append("\n  ").append(option.key()).append(" = ")
                    .append(secret ? (value == null ? "(unset)" : "******") : value)
                    .append("  [").append(origins.get(option.key())).append(']');
        }
        return text.append("\n}").toString();
    }
}
