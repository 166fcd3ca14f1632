package io.trendstream.gateway;

import io.trendstream.config.PipelineConfig;
import io.trendstream.config.PipelineOptions;
import io.trendstream.config.ResolvedSettings;
import io.trendstream.serialization.SchemaRegistrySettings;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.IllegalConfigurationException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's settings ({@link GatewayOptions}), resolved from defaults, the environment and program arguments,
 * and validated as a whole before anything starts. An invalid or missing setting fails with an
 * {@link IllegalConfigurationException} naming the setting and where its value came from; secrets are never shown.
 */
public final class GatewayConfig {

    private final ResolvedSettings settings;

    private GatewayConfig(ResolvedSettings settings) {
        this.settings = settings;
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
        GatewayConfig config = new GatewayConfig(
                ResolvedSettings.resolve(options(), GatewayOptions.SECRETS, args, environment, null));
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

    public <T> T get(ConfigOption<T> option) {
        return settings.get(option);
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
        PipelineConfig.checkConnections(settings); // the settings shared with the job, by the job's rules
        settings.check(GatewayOptions.PORT, v -> v >= 0 && v <= 65_535, "must be a port number, 0 to 65535");
        settings.check(GatewayOptions.INGEST_API_KEY, v -> v.length() >= 16, "must be at least 16 characters long");
        settings.check(GatewayOptions.INGEST_MAX_BODY_SIZE, v -> v.getBytes() >= 1024 && v.getBytes() <= Integer.MAX_VALUE,
                "must be between 1 kb and 2 gb");
        settings.check(GatewayOptions.INGEST_MAX_BATCH_EVENTS, v -> v > 0, "must be positive");
        settings.check(GatewayOptions.INGEST_TRANSACTIONAL_ID, v -> !v.isBlank(), "must not be blank");
        settings.check(GatewayOptions.INGEST_TRANSACTION_PRODUCERS, v -> v >= 1 && v <= 16, "must be 1 to 16");
        settings.check(GatewayOptions.INGEST_TRANSACTION_MAX_EVENTS, v -> v > 0, "must be positive");
        settings.notNegative(GatewayOptions.INGEST_TRANSACTION_LINGER);
        settings.positive(GatewayOptions.INGEST_ACK_TIMEOUT);
        settings.check(GatewayOptions.INGEST_IDEMPOTENCY_KEYS, v -> v >= 0, "must be 0 or more");
    }

    /** All settings with their values and origins, secrets masked: safe to log. */
    @Override
    public String toString() {
        return settings.describe("GatewayConfig");
    }
}
