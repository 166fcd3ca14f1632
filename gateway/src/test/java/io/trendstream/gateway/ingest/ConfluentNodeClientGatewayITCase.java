package io.trendstream.gateway.ingest;

import io.trendstream.gateway.Gateway;
import io.trendstream.gateway.GatewayHttp;
import io.trendstream.gateway.IngestGateways;
import io.trendstream.gateway.Json;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.stack.ExternalCommand;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.NpmPackages;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateway writes decodes with Confluent's own JavaScript deserializer (clients/node): an independent reader
 * of the wire format and of the schema the gateway registered.
 */
class ConfluentNodeClientGatewayITCase {

    private static final Path CLIENT = Path.of("..", "clients", "node").toAbsolutePath().normalize();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void confluentsNodeDeserializerReadsTheOrdersAndViewsTheGatewayCommitted() throws Exception {
        NpmPackages.installLocked(CLIENT, Duration.ofMinutes(10));
        KAFKA.createTopic("orders", 1);
        KAFKA.createTopic("product-views", 1);
        try (SchemaRegistryServer registry = SchemaRegistryServer.builder().port(0)
                .bootstrapServers(KAFKA.bootstrapServers()).build().start()) {
            try (Gateway gateway = IngestGateways.start(KAFKA.bootstrapServers(), registry.url(), Map.of())) {
                GatewayHttp http = new GatewayHttp(gateway.localUri());
                assertThat(http.postJson("/api/v1/orders", """
                        {"event_id": "e-node-1", "order_id": "o-node-1", "user_id": "u-1", "channel": "web",
                         "event_time": "2026-11-30T10:00:00Z",
                         "items": [{"product_id": "p-7", "quantity": 2, "price": 19.99}, {"product_id": "p-3", "quantity": 1, "price": 5}]}
                        """).status()).isEqualTo(202);
                assertThat(http.postJson("/api/v1/product-views", """
                        {"event_id": "e-node-2", "user_id": "u-1", "product_id": "p-7", "session_id": "s-1",
                         "event_time": 1796032800000}
                        """).status()).isEqualTo(202);
            }

            JsonNode order = consumeOne(registry.url(), "orders");
            assertThat(order.get("key").asText()).isEqualTo(base64("o-node-1"));
            // The Node client hands decimal(12,2) over as its bytes: the unscaled value in two's complement, base64 here.
            assertThat(order.get("value").toString()).isEqualTo("{\"eventId\":\"e-node-1\",\"orderId\":\"o-node-1\","
                    + "\"userId\":\"u-1\",\"lineItems\":[{\"productId\":\"p-7\",\"quantity\":2,\"unitPrice\":\"" + cents("19.99")
                    + "\"},{\"productId\":\"p-3\",\"quantity\":1,\"unitPrice\":\"" + cents("5.00")
                    + "\"}],\"currency\":\"EUR\",\"eventTime\":"
                    + Instant.parse("2026-11-30T10:00:00Z").toEpochMilli() + ",\"channel\":\"web\"}");
            JsonNode view = consumeOne(registry.url(), "product-views");
            assertThat(view.get("value").toString()).isEqualTo("{\"eventId\":\"e-node-2\",\"userId\":\"u-1\","
                    + "\"productId\":\"p-7\",\"sessionId\":\"s-1\",\"eventTime\":1796032800000}");
        }
    }

    private static JsonNode consumeOne(String registryUrl, String topic) throws Exception {
        ExternalCommand.Result consumed = ExternalCommand.run(CLIENT, Duration.ofMinutes(10), List.of("node", "consume.mjs",
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--schema-registry-url", registryUrl, "--topic", topic,
                "--count", "1", "--timeout-ms", "60000"));
        assertThat(consumed.exitCode()).as(consumed.describe()).isZero();
        return Json.mapper().readTree(consumed.stdout().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    }

    private static String cents(String price) {
        return java.util.Base64.getEncoder().encodeToString(new java.math.BigDecimal(price).unscaledValue().toByteArray());
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
