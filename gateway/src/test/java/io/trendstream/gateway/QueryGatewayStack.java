package io.trendstream.gateway;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.TrendAlert;
import io.trendstream.gateway.live.LiveRoutes;
import io.trendstream.gateway.query.QueryRoutes;
import io.trendstream.gateway.query.ReaderPool;
import io.trendstream.gateway.web.DashboardPage;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.PostgresExtension;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A gateway with the query API, the live stream and the page over a real Kafka broker, schema registry and
 * PostgreSQL with the repository's schema; the query API logs in as a role that is only a member of the read-only
 * role (as gateway/README.md recommends). Helpers write to the job's topics in Kafka transactions, as the job does.
 */
public final class QueryGatewayStack implements AutoCloseable {

    public static final String DATABASE = "gateway_query";
    public static final String ALERTS_TOPIC = "trend-alerts";
    public static final String DEAD_LETTER_TOPIC = "dead-letters";
    private static final String LOGIN = "gateway_query_login";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final KafkaBrokerExtension kafka;
    private final PostgresExtension postgres;
    private final SchemaRegistryServer registry;
    private final SchemaRegistrySettings registrySettings;
    public final GatewayMetrics metrics = new GatewayMetrics();
    public final LiveRoutes live;
    public final Gateway gateway;

    private QueryGatewayStack(KafkaBrokerExtension kafka, PostgresExtension postgres) throws Exception {
        this.kafka = kafka;
        this.postgres = postgres;
        postgres.applySchema(DATABASE);
        String password = UUID.randomUUID().toString();
        try (Connection c = postgres.newConnection(DATABASE); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + LOGIN + " LOGIN PASSWORD '" + password + "' IN ROLE " + ReaderPool.READER_ROLE);
        }
        kafka.createTopic(ALERTS_TOPIC, 1);
        kafka.createTopic(DEAD_LETTER_TOPIC, 2);
        registry = SchemaRegistryServer.builder().port(0).bootstrapServers(kafka.bootstrapServers()).build().start();
        registrySettings = SchemaRegistrySettings.builder(registry.url()).build();
        GatewayConfig config = GatewayConfig.of(Map.ofEntries(
                Map.entry("gateway.port", "0"),
                Map.entry("gateway.host", "127.0.0.1"),
                Map.entry("kafka.bootstrap-servers", kafka.bootstrapServers()),
                Map.entry("schema-registry.url", registry.url()),
                Map.entry("jdbc.url", postgres.jdbcUrl(DATABASE)),
                Map.entry("gateway.query.jdbc-user", LOGIN),
                Map.entry("gateway.query.jdbc-password", password),
                Map.entry("gateway.live.window-poll-interval", "200 ms"),
                Map.entry("gateway.live.heartbeat-interval", "300 ms")));
        ReaderPool readers = ReaderPool.create(config);
        live = LiveRoutes.create(config, metrics, readers.dataSource());
        gateway = Gateway.start(config, metrics, Json.mapper(),
                List.of(QueryRoutes.create(config, readers), live, new DashboardPage()));
    }

    public static QueryGatewayStack start(KafkaBrokerExtension kafka, PostgresExtension postgres) throws Exception {
        return new QueryGatewayStack(kafka, postgres);
    }

    /** A connection as the schema's owner, for seeding rows and reading what the API must return. */
    public Connection owner() throws java.sql.SQLException {
        return postgres.newConnection(DATABASE);
    }

    public URI uri(String pathAndQuery) {
        return gateway.localUri().resolve(pathAndQuery);
    }

    /** GET and the answer's status and JSON body. */
    public Answer get(String pathAndQuery) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
        return new Answer(response.statusCode(), body, response.body());
    }

    public String scrapeMetrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    public record Answer(int status, JsonNode json, String text) {}

    /** Writes the records in one Kafka transaction, committed or aborted. */
    public <T extends SpecificRecord> void write(String topic, Class<T> type, List<T> records, boolean commit) {
        RegistryAvroSerializationSchema<T> serializer = ConfluentAvro.forSpecificSerialization(type,
                ConfluentAvro.topicValueSubject(topic), registrySettings);
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "query-it-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (T record : records) {
                producer.send(new ProducerRecord<>(topic, serializer.serialize(record)));
            }
            producer.flush();
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    public void commitAlerts(TrendAlert... alerts) {
        write(ALERTS_TOPIC, TrendAlert.class, List.of(alerts), true);
    }

    public void abortAlerts(TrendAlert... alerts) {
        write(ALERTS_TOPIC, TrendAlert.class, List.of(alerts), false);
    }

    public void writeDeadLetters(List<DeadLetter> letters, boolean commit) {
        write(DEAD_LETTER_TOPIC, DeadLetter.class, letters, commit);
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            registry.close();
        }
    }
}
