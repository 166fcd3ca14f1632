package io.trendstream.gateway;

import io.trendstream.config.PipelineOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.List;

/**
 * Every setting of the gateway, with its type, default and documentation: the one place where the gateway's
 * configuration is declared ({@link GatewayConfig} resolves them). Settings the gateway shares with the job (brokers,
 * topics, registry, database, validation) are the job's own {@link PipelineOptions}, so that one environment
 * configures both and a default cannot differ between them.
 *
 * <p>A setting is read from its default, the environment ({@code TRENDSTREAM_} and the key in upper case with dots
 * and dashes as underscores: {@code gateway.port} is {@code TRENDSTREAM_GATEWAY_PORT}) and program arguments
 * ({@code --key value}), in increasing precedence.
 */
public final class GatewayOptions {

    // ---------------------------------------------------------------- HTTP

    public static final ConfigOption<String> HOST =
            ConfigOptions.key("gateway.host").stringType().defaultValue("0.0.0.0")
                    .withDescription("Address the gateway listens on.");

    public static final ConfigOption<Integer> PORT =
            ConfigOptions.key("gateway.port").intType().defaultValue(8090)
                    .withDescription("HTTP port of the gateway; 0 picks a free one.");

    // ---------------------------------------------------------------- Ingest

    public static final ConfigOption<String> INGEST_API_KEY =
            ConfigOptions.key("gateway.ingest.api-key").stringType().noDefaultValue()
                    .withDescription("When set, ingest requests must carry it in the X-API-Key header (401 otherwise)."
                            + " Secret: set it in the environment.");

    public static final ConfigOption<MemorySize> INGEST_MAX_BODY_SIZE =
            ConfigOptions.key("gateway.ingest.max-body-size").memoryType().defaultValue(MemorySize.parse("16 mb"))
                    .withDescription("Largest request body accepted; a larger one is answered 413.");

    public static final ConfigOption<Integer> INGEST_MAX_BATCH_EVENTS =
            ConfigOptions.key("gateway.ingest.max-batch-events").intType().defaultValue(10_000)
                    .withDescription("Most events in one batch request (JSON array or NDJSON); more is answered 413.");

    public static final ConfigOption<String> INGEST_TRANSACTIONAL_ID =
            ConfigOptions.key("gateway.ingest.transactional-id").stringType().defaultValue("trendstream-gateway")
                    .withDescription("Transactional id of the gateway's Kafka producers (each appends its number):"
                            + " unique per gateway instance (a second instance with the same id fences the first).");

    public static final ConfigOption<Integer> INGEST_TRANSACTION_PRODUCERS =
            ConfigOptions.key("gateway.ingest.transaction-producers").intType().defaultValue(1)
                    .withDescription("Group commit: transactional producers that take turns (transactional ids"
                            + " gateway.ingest.transactional-id-0, -1, ...), so that while one transaction commits the"
                            + " next gathers and sends. 1 to 16. Raise it where commits, not CPU, limit ingest (a"
                            + " remote broker): on a 2-core machine running the whole stack, 4 gained nothing over 1.");

    public static final ConfigOption<Integer> INGEST_TRANSACTION_MAX_EVENTS =
            ConfigOptions.key("gateway.ingest.transaction-max-events").intType().defaultValue(20_000)
                    .withDescription("Group commit: most events committed in one Kafka transaction.");

    public static final ConfigOption<Duration> INGEST_TRANSACTION_LINGER =
            ConfigOptions.key("gateway.ingest.transaction-linger").durationType().defaultValue(Duration.ofMillis(2))
                    .withDescription("Group commit: how long a transaction waits for more requests after the first"
                            + " before it commits. Requests arriving while one commits go into the next.");

    public static final ConfigOption<Duration> INGEST_ACK_TIMEOUT =
            ConfigOptions.key("gateway.ingest.ack-timeout").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("How long a request waits for its transaction to commit before it is answered 503"
                            + " (its events may still be committed: retry with the same Idempotency-Key).");

    public static final ConfigOption<Integer> INGEST_IDEMPOTENCY_KEYS =
            ConfigOptions.key("gateway.ingest.idempotency-keys").intType().defaultValue(200_000)
                    .withDescription("How many recent Idempotency-Keys keep the event time the gateway assigned, so that a"
                            + " retry without event_time gets the first attempt's time (and the job counts it once).");

    // ---------------------------------------------------------------- Query and live (gateway/README.md)

    public static final ConfigOption<String> QUERY_JDBC_USER =
            ConfigOptions.key("gateway.query.jdbc-user").stringType().noDefaultValue()
                    .withDescription("Database login of the query API and the live windows; every connection then"
                            + " acts as the read-only role trendstream_reader (sql/007), of which it must be a member."
                            + " Unset: jdbc.user.");

    public static final ConfigOption<String> QUERY_JDBC_PASSWORD =
            ConfigOptions.key("gateway.query.jdbc-password").stringType().noDefaultValue()
                    .withDescription("Password of gateway.query.jdbc-user. Unset: jdbc.password. Secret: set it in the"
                            + " environment.");

    public static final ConfigOption<Integer> QUERY_POOL_SIZE =
            ConfigOptions.key("gateway.query.pool-size").intType().defaultValue(4)
                    .withDescription("Most database connections the query API and the live windows hold.");

    public static final ConfigOption<Duration> QUERY_STATEMENT_TIMEOUT =
            ConfigOptions.key("gateway.query.statement-timeout").durationType().defaultValue(Duration.ofSeconds(10))
                    .withDescription("A query running longer is cancelled by PostgreSQL and answered 503.");

    public static final ConfigOption<Duration> LIVE_WINDOW_POLL_INTERVAL =
            ConfigOptions.key("gateway.live.window-poll-interval").durationType().defaultValue(Duration.ofSeconds(2))
                    .withDescription("How often the live stream looks for newly committed window rows.");

    public static final ConfigOption<Integer> LIVE_HISTORY_EVENTS =
            ConfigOptions.key("gateway.live.history-events").intType().defaultValue(1_000)
                    .withDescription("Live events kept for clients that reconnect with Last-Event-ID; one that missed"
                            + " more gets a reset event.");

    public static final ConfigOption<Duration> LIVE_HEARTBEAT_INTERVAL =
            ConfigOptions.key("gateway.live.heartbeat-interval").durationType().defaultValue(Duration.ofSeconds(15))
                    .withDescription("A comment is sent on an idle live connection this often, which keeps proxies"
                            + " from closing it and finds clients that are gone.");

    // ---------------------------------------------------------------- Shared with the job

    /** The job's settings the gateway reads too, with the job's keys, defaults and descriptions. */
    public static final List<ConfigOption<?>> SHARED = List.of(
            PipelineOptions.KAFKA_BOOTSTRAP_SERVERS,
            PipelineOptions.ORDERS_TOPIC,
            PipelineOptions.VIEWS_TOPIC,
            PipelineOptions.ALERTS_TOPIC,
            PipelineOptions.DEAD_LETTER_TOPIC,
            PipelineOptions.SCHEMA_REGISTRY_URL,
            PipelineOptions.SCHEMA_REGISTRY_USER_INFO,
            PipelineOptions.JDBC_URL,
            PipelineOptions.JDBC_USER,
            PipelineOptions.JDBC_PASSWORD,
            PipelineOptions.MAX_FUTURE_SKEW);

    /** The gateway's own settings. */
    public static final List<ConfigOption<?>> OWN = List.of(
            HOST, PORT, INGEST_API_KEY, INGEST_MAX_BODY_SIZE, INGEST_MAX_BATCH_EVENTS, INGEST_TRANSACTIONAL_ID,
            INGEST_TRANSACTION_PRODUCERS, INGEST_TRANSACTION_MAX_EVENTS, INGEST_TRANSACTION_LINGER, INGEST_ACK_TIMEOUT, INGEST_IDEMPOTENCY_KEYS,
            QUERY_JDBC_USER, QUERY_JDBC_PASSWORD, QUERY_POOL_SIZE, QUERY_STATEMENT_TIMEOUT, LIVE_WINDOW_POLL_INTERVAL,
            LIVE_HISTORY_EVENTS, LIVE_HEARTBEAT_INTERVAL);

    /** Settings whose values are never logged or shown. */
    public static final List<ConfigOption<?>> SECRETS = List.of(
            INGEST_API_KEY, PipelineOptions.SCHEMA_REGISTRY_USER_INFO, PipelineOptions.JDBC_PASSWORD,
            QUERY_JDBC_PASSWORD);

    private GatewayOptions() {}
}
