package io.trendstream.gateway;

import io.trendstream.gateway.ingest.IngestRoutes;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.PostgresExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Readiness checks each dependency for real and names those that are down. */
class HealthITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void readyWhenKafkaTheRegistryAndTheDatabaseAnswer() {
        try (SchemaRegistryServer registry = SchemaRegistryServer.builder().port(0)
                .bootstrapServers(KAFKA.bootstrapServers()).build().start()) {
            GatewayConfig config = GatewayConfig.of(Map.of(
                    "gateway.port", "0",
                    "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                    "schema-registry.url", registry.url(),
                    "jdbc.url", POSTGRES.jdbcUrl(),
                    "jdbc.user", POSTGRES.user(),
                    "jdbc.password", POSTGRES.password()));
            GatewayMetrics metrics = new GatewayMetrics();
            IngestRoutes ingest = new IngestRoutes(config, metrics);
            try (Gateway gateway = Gateway.start(config, metrics, Json.mapper(),
                    List.of(ingest, new HealthRoutes(config, ingest.registry(), ingest::kafkaProblem)))) {
                GatewayHttp http = new GatewayHttp(gateway.localUri());

                assertThat(http.get("/health/live").status()).isEqualTo(200);
                // Ready once the ingest producer has initialised its transactions (it starts with the gateway).
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(http.get("/health/ready").status()).isEqualTo(200));
                GatewayHttp.Answer ready = http.get("/health/ready");
                assertThat(ready.json().get("status").asText()).isEqualTo("up");
                assertThat(ready.json().get("checks").toString())
                        .isEqualTo("{\"kafka\":{\"status\":\"up\"},\"schema_registry\":{\"status\":\"up\"},\"database\":{\"status\":\"up\"}}");
            }
        }
    }

    @Test
    void notReadyNamingEachDependencyThatIsDown() throws Exception {
        int closed = closedPort();
        GatewayConfig config = GatewayConfig.of(Map.of(
                "gateway.port", "0",
                "kafka.bootstrap-servers", "127.0.0.1:" + closed,
                "schema-registry.url", "http://127.0.0.1:" + closed,
                "jdbc.url", "jdbc:postgresql://127.0.0.1:" + closed + "/trendstream"));
        SchemaRegistryClient registry = new SchemaRegistryClient(SchemaRegistrySettings.builder(
                "http://127.0.0.1:" + closed).build());
        try (Gateway gateway = Gateway.start(config, new GatewayMetrics(), Json.mapper(),
                List.of(new HealthRoutes(config, registry, () -> null)))) {
            GatewayHttp http = new GatewayHttp(gateway.localUri());

            assertThat(http.get("/health/live").status()).isEqualTo(200);
            GatewayHttp.Answer ready = http.get("/health/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(503);
            JsonNode body = ready.json();
            assertThat(body.get("status").asText()).isEqualTo("down");
            assertThat(body.get("down").toString()).isEqualTo("[\"kafka\",\"schema_registry\",\"database\"]");
            assertThat(body.get("checks").get("kafka").get("error").asText()).contains("127.0.0.1:" + closed);
            assertThat(body.get("checks").get("schema_registry").get("error").asText()).contains("127.0.0.1:" + closed);
            assertThat(body.get("checks").get("database").get("error").asText()).contains("Connection");
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
