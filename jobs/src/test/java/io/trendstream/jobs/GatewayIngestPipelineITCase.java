package io.trendstream.jobs;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.gateway.Gateway;
import io.trendstream.gateway.GatewayConfig;
import io.trendstream.gateway.GatewayMetrics;
import io.trendstream.gateway.Json;
import io.trendstream.gateway.ingest.IngestRoutes;
import io.trendstream.testing.ExpectedResults;
import io.trendstream.testing.WindowRow;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events posted to the HTTP gateway come out of the job (on a MiniCluster, real broker, registry and PostgreSQL) as
 * exactly the window rows they make; an order retried with the same Idempotency-Key, without an event time of its
 * own, counts once.
 */
class GatewayIngestPipelineITCase extends PipelineTestBase {

    private static final long MINUTE = 60_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void postedEventsBecomeExactWindowRowsAndARetriedRequestCountsOnce() throws Exception {
        try (PipelineFixture pipeline = new PipelineFixture(KAFKA, POSTGRES, REGISTRY.server())) {
            pipeline.start(pipeline.config(), 2);
            GatewayConfig config = GatewayConfig.of(Map.of(
                    "gateway.port", "0",
                    "gateway.host", "127.0.0.1",
                    "kafka.bootstrap-servers", pipeline.bootstrapServers(),
                    "kafka.topic.orders", pipeline.ordersTopic,
                    "kafka.topic.views", pipeline.viewsTopic,
                    "schema-registry.url", pipeline.registry.url(),
                    "jdbc.url", pipeline.jdbcUrl,
                    "gateway.ingest.transactional-id", pipeline.name + "-gateway"));
            GatewayMetrics metrics = new GatewayMetrics();
            try (Gateway gateway = Gateway.start(config, metrics, Json.mapper(), List.of(new IngestRoutes(config, metrics)))) {
                URI base = gateway.localUri();
                ExpectedResults expected = new ExpectedResults(MINUTE);
                long now = Instant.now().toEpochMilli();
                long first = (now / MINUTE - 4) * MINUTE;

                // Single orders and a batch of views over three windows, times given by the client.
                for (int w = 0; w < 3; w++) {
                    for (int i = 0; i < 3; i++) {
                        long time = first + w * MINUTE + i * 10_000;
                        OrderEvent order = order("o-" + w + "-" + i, "u-" + i, time,
                                new LineItem("p-a", 1 + i, new BigDecimal("19.99")), new LineItem("p-b", 2, new BigDecimal("5.00")));
                        assertThat(post(base, "/api/v1/orders", orderJson(order), null).status).isEqualTo(202);
                        expected.count(order);
                    }
                    List<String> views = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        ProductView view = new ProductView("v-" + w + "-" + i, "u-" + i, i % 2 == 0 ? "p-a" : "p-c", null,
                                Instant.ofEpochMilli(first + w * MINUTE + i * 7_000));
                        views.add(viewJson(view));
                        expected.count(view);
                    }
                    assertThat(post(base, "/api/v1/product-views", "[" + String.join(",", views) + "]", null).status).isEqualTo(202);
                }

                // A client retries an order it did not time: the gateway gives the retry the first attempt's time.
                String retried = "{\"user_id\": \"u-retry\", \"items\": [{\"product_id\": \"p-a\", \"quantity\": 7, \"price\": 3.5}]}";
                Answer attempt = post(base, "/api/v1/orders", retried, "order-retry-1");
                Answer retry = post(base, "/api/v1/orders", retried, "order-retry-1");
                assertThat(attempt.status).isEqualTo(202);
                assertThat(retry.json).isEqualTo(attempt.json);
                Instant retriedTime = Instant.parse(attempt.json.get("event_time").asText());
                expected.count(order("order-retry-1", "u-retry", retriedTime.toEpochMilli(),
                        new LineItem("p-a", 7, new BigDecimal("3.50"))));

                // An order and a view two windows after the latest event on every partition of both topics move the
                // watermark past every window above (allowed lateness 30 s), without waiting for an idle partition to
                // be left out (a minute); their own window stays open.
                long closer = (retriedTime.toEpochMilli() / MINUTE + 2) * MINUTE + 40_000;
                for (String orderId : keysOnEachPartition("o-closer-")) { // orders are keyed by their order id
                    assertThat(post(base, "/api/v1/orders", orderJson(order(orderId, "u-x", closer,
                            new LineItem("p-closer", 1, new BigDecimal("1.00")))), null).status).isEqualTo(202);
                }
                for (String product : keysOnEachPartition("p-closer-")) { // views by their product
                    assertThat(post(base, "/api/v1/product-views", viewJson(new ProductView("v-" + product, "u-x", product,
                            null, Instant.ofEpochMilli(closer))), null).status).isEqualTo(202);
                }

                long closerWindow = closer - Math.floorMod(closer, MINUTE);
                Map<String, WindowRow> expectedRows = expected.rowsBefore(closerWindow);
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                        assertThat(before(pipeline.database.windowRows(), closerWindow)).isEqualTo(expectedRows));
                WindowRow retriedWindow = expectedRows.get(WindowRow.key("p-a", retriedTime.toEpochMilli()
                        - Math.floorMod(retriedTime.toEpochMilli(), MINUTE)));
                assertThat(retriedWindow.units()).as("the retried order's 7 units, once").isEqualTo(7);
            }
        }
    }

    private static Map<String, WindowRow> before(Map<String, WindowRow> rows, long windowStart) {
        Map<String, WindowRow> kept = new TreeMap<>();
        rows.forEach((key, row) -> {
            if (row.windowStart() < windowStart) {
                kept.put(key, row);
            }
        });
        return kept;
    }

    /** Keys, {@code prefix} and a number, that Kafka's default partitioner puts on partition 0 and on partition 1. */
    private static List<String> keysOnEachPartition(String prefix) {
        String[] found = new String[PipelineFixture.PARTITIONS];
        for (int i = 0; found[0] == null || found[1] == null; i++) {
            String key = prefix + i;
            int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PipelineFixture.PARTITIONS;
            if (found[partition] == null) {
                found[partition] = key;
            }
        }
        return List.of(found);
    }

    private static OrderEvent order(String eventId, String userId, long time, LineItem... items) {
        return OrderEvent.newBuilder().setEventId(eventId).setOrderId(eventId).setUserId(userId)
                .setLineItems(List.of(items)).setEventTime(Instant.ofEpochMilli(time)).build();
    }

    private static String orderJson(OrderEvent order) {
        List<String> items = order.getLineItems().stream().map(l -> "{\"product_id\": \"" + l.getProductId()
                + "\", \"quantity\": " + l.getQuantity() + ", \"price\": " + l.getUnitPrice() + "}").toList();
        return "{\"event_id\": \"" + order.getEventId() + "\", \"order_id\": \"" + order.getOrderId() + "\", \"user_id\": \""
                + order.getUserId() + "\", \"event_time\": " + order.getEventTime().toEpochMilli() + ", \"items\": ["
                + String.join(",", items) + "]}";
    }

    private static String viewJson(ProductView view) {
        return "{\"event_id\": \"" + view.getEventId() + "\", \"user_id\": \"" + view.getUserId() + "\", \"product_id\": \""
                + view.getProductId() + "\", \"event_time\": \"" + view.getEventTime() + "\"}";
    }

    private record Answer(int status, JsonNode json) {}

    private static Answer post(URI base, String path, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), Json.mapper().readTree(response.body()));
    }
}
