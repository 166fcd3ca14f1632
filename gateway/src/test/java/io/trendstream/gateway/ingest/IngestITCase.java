package io.trendstream.gateway.ingest;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.gateway.CommittedTopic;
import io.trendstream.gateway.Gateway;
import io.trendstream.gateway.GatewayHttp;
import io.trendstream.gateway.GatewayHttp.Answer;
import io.trendstream.gateway.IngestGateways;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.stack.KafkaBrokerExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingest against a real broker and the project's registry: what a client posts is committed to the topic, in
 * Confluent's wire format with the registered schema, exactly as posted; batches (array, NDJSON) are committed whole;
 * a retry with the same Idempotency-Key is the same event (id and time); every kind of bad request gets its status
 * and message, and nothing of it reaches Kafka.
 */
class IngestITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static SchemaRegistryServer registry;
    private static Gateway gateway;
    private static GatewayHttp http;

    @BeforeAll
    static void start() {
        KAFKA.createTopic("orders", 2);
        KAFKA.createTopic("product-views", 2);
        registry = SchemaRegistryServer.builder().port(0).bootstrapServers(KAFKA.bootstrapServers()).build().start();
        gateway = IngestGateways.start(KAFKA.bootstrapServers(), registry.url(), Map.of(
                "gateway.ingest.max-batch-events", "50",
                "gateway.ingest.max-body-size", "64 kb"));
        http = new GatewayHttp(gateway.localUri());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void anOrderIsCommittedInTheWireFormatWithTheRegisteredSchemaExactlyAsPosted() {
        String orderId = "o-" + UUID.randomUUID();
        Answer answer = http.postJson("/api/v1/orders", """
                {"event_id": "%s", "order_id": "%s", "user_id": "u-1", "currency": "USD", "channel": "app",
                 "event_time": "2026-11-30T11:00:00Z",
                 "items": [{"product_id": "p-1", "quantity": 2, "price": 99.99}, {"product_id": "p-2", "quantity": 1, "price": 5}]}
                """.formatted("e-" + orderId, orderId));

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        assertThat(answer.json().get("event_id").asText()).isEqualTo("e-" + orderId);
        OrderEvent expected = OrderEvent.newBuilder()
                .setEventId("e-" + orderId).setOrderId(orderId).setUserId("u-1").setCurrency("USD").setChannel("app")
                .setEventTime(Instant.parse("2026-11-30T11:00:00Z"))
                .setLineItems(List.of(new LineItem("p-1", 2, new BigDecimal("99.99")), new LineItem("p-2", 1, new BigDecimal("5.00"))))
                .build();
        assertThat(orders()).filteredOn(o -> o.getOrderId().equals(orderId)).containsExactly(expected);
    }

    @Test
    void theGatewayAssignsIdAndTimeAndTheOrderIdIsTheEventIdWhenAbsent() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Answer answer = http.postJson("/api/v1/orders", """
                {"user_id": "u-2", "items": [{"product_id": "p-1", "quantity": 1, "price": 1.5}]}""");

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        String eventId = answer.json().get("event_id").asText();
        OrderEvent order = orders().stream().filter(o -> o.getEventId().equals(eventId)).findFirst().orElseThrow();
        assertThat(order.getOrderId()).isEqualTo(eventId);
        assertThat(order.getCurrency()).isEqualTo("EUR");
        assertThat(order.getEventTime()).isBetween(before, Instant.now())
                .isEqualTo(Instant.parse(answer.json().get("event_time").asText()));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsTheSameEventWithTheSameTime() {
        String key = "retry-" + UUID.randomUUID();
        String body = """
                {"user_id": "u-3", "product_id": "p-9"}""";
        Answer first = http.postJson("/api/v1/product-views", body, "Idempotency-Key", key);
        Answer retry = http.postJson("/api/v1/product-views", body, "Idempotency-Key", key);

        assertThat(first.status()).isEqualTo(202);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json()).isEqualTo(first.json());
        List<ProductView> sent = views().stream().filter(v -> v.getEventId().equals(key)).toList();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0)).isEqualTo(sent.get(1));
        assertThat(sent.get(0).getEventTime()).isEqualTo(Instant.parse(first.json().get("event_time").asText()));
    }

    @Test
    void aJsonArrayAndNdjsonAreCommittedWhole() {
        String run = UUID.randomUUID().toString();
        String array = "[" + String.join(",", IntStream.range(0, 30).mapToObj(i ->
                "{\"user_id\": \"u-" + i + "\", \"product_id\": \"p-" + run + "\"}").toList()) + "]";
        String ndjson = String.join("\n", IntStream.range(0, 20).mapToObj(i ->
                "{\"user_id\": \"u-" + i + "\", \"product_id\": \"p-" + run + "\"}").toList()) + "\n";

        Answer arrayAnswer = http.postJson("/api/v1/product-views", array, "Idempotency-Key", "batch-" + run);
        Answer ndjsonAnswer = http.post("/api/v1/product-views", "application/x-ndjson", ndjson);

        assertThat(arrayAnswer.status()).as(arrayAnswer.body()).isEqualTo(202);
        assertThat(arrayAnswer.json().get("accepted").asInt()).isEqualTo(30);
        assertThat(ndjsonAnswer.status()).as(ndjsonAnswer.body()).isEqualTo(202);
        assertThat(ndjsonAnswer.json().get("accepted").asInt()).isEqualTo(20);
        List<ProductView> sent = views().stream().filter(v -> v.getProductId().equals("p-" + run)).toList();
        assertThat(sent).hasSize(50);
        assertThat(sent.stream().map(ProductView::getEventId).filter(id -> id.startsWith("batch-" + run + ":")))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).mapToObj(i -> "batch-" + run + ":" + i).toList());
    }

    @Test
    void everyKindOfBadRequestGetsItsStatusAndMessageAndNothingReachesKafka() {
        String order = "/api/v1/orders";
        String view = "/api/v1/product-views";
        String future = Instant.now().plusSeconds(3600).toString();
        String longText = "x".repeat(129);

        assertProblem(http.postJson(order, "{\"user_id\": \"bad-1\", \"items\": [{\"product_id\": \"p\", \"quantity\": 0, \"price\": 1}]}"),
                "items[0].quantity", "NON_POSITIVE_QUANTITY", "line item 0 (p) has quantity 0");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-2\", \"items\": [{\"product_id\": \"p\", \"quantity\": 1, \"price\": 1}, {\"product_id\": \"q\", \"quantity\": 1, \"price\": -2}]}"),
                "items[1].price", "NON_POSITIVE_PRICE", "line item 1 (q) has unit price -2");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-3\", \"items\": [{\"product_id\": \"p\", \"quantity\": 1, \"price\": 1.001}]}"),
                "items[0].price", "PRICE_TOO_PRECISE", "more than 2 decimal places");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-4\", \"items\": [{\"product_id\": \"p\", \"quantity\": 1, \"price\": 10000000000}]}"),
                "items[0].price", "AMOUNT_OUT_OF_RANGE", "more than 9999999999.99");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-5\", \"items\": [{\"product_id\": \"p\", \"quantity\": 700000, \"price\": 1}, {\"product_id\": \"p\", \"quantity\": 700000, \"price\": 1}]}"),
                "items", "AMOUNT_OUT_OF_RANGE", "more than 1000000 units");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-6\", \"items\": [{\"product_id\": \"p\", \"quantity\": 3000000000, \"price\": 1}]}"),
                "items[0].quantity", "AMOUNT_OUT_OF_RANGE", "more than 1000000");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-7\", \"items\": []}"),
                "items", "NO_LINE_ITEMS", "has no line items");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-8\"}"), "items", "NO_LINE_ITEMS", "has no line items");
        assertProblem(http.postJson(order, "{\"items\": [{\"product_id\": \"p\", \"quantity\": 1, \"price\": 1}]}"),
                "user_id", "MISSING_USER_ID", "has no userId");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-9\", \"items\": [{\"quantity\": 1, \"price\": 1}]}"),
                "items[0].product_id", "MISSING_PRODUCT_ID", "line item 0 has no productId");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-10\", \"items\": [{\"product_id\": \"p\", \"price\": 1}]}"),
                "items[0].quantity", "MISSING_FIELD", "items[0].quantity is required");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-11\", \"items\": [{\"product_id\": \"p\", \"quantity\": \"2\", \"price\": 1}]}"),
                "items[0].quantity", "WRONG_TYPE", "items[0].quantity must be an integer");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-12\", \"coupon\": \"X\", \"items\": [{\"product_id\": \"p\", \"quantity\": 1, \"price\": 1}]}"),
                "coupon", "UNKNOWN_FIELD", "Unknown field coupon");
        assertProblem(http.postJson(order, "{\"user_id\": \"" + longText + "\", \"items\": [{\"product_id\": \"p\", \"quantity\": 1, \"price\": 1}]}"),
                "user_id", "TEXT_TOO_LONG", "userId is 129 characters long, more than 128");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-13\", \"channel\": \"a\\u0000b\", \"items\": [{\"product_id\": \"p\", \"quantity\": 1, \"price\": 1}]}"),
                "channel", "INVALID_TEXT", "channel has a NUL character");
        assertProblem(http.postJson(order, "{\"user_id\": \"bad-14\", \"items\": [{\"product_id\": \"p\\ud800\", \"quantity\": 1, \"price\": 1}]}"),
                "items[0].product_id", "INVALID_TEXT", "unpaired UTF-16 surrogate");
        assertProblem(http.postJson(view, "{\"user_id\": \"bad-15\", \"product_id\": \"p\", \"event_time\": \"" + future + "\"}"),
                "event_time", "EVENT_TIME_IN_FUTURE", "ms ahead of the clock");
        assertProblem(http.postJson(view, "{\"user_id\": \"bad-16\", \"product_id\": \"p\", \"event_time\": -5}"),
                "event_time", "EVENT_TIME_OUT_OF_RANGE", "is outside 1970-01-01T00:00:00Z");
        assertProblem(http.postJson(view, "{\"user_id\": \"bad-17\", \"product_id\": \"p\", \"event_time\": \"yesterday\"}"),
                "event_time", "WRONG_TYPE", "event_time must be an ISO-8601 time");
        assertProblem(http.postJson(view, "{\"user_id\": \"bad-18\"}"), "product_id", "MISSING_PRODUCT_ID", "has no productId");
        assertProblem(http.postJson(view, "{\"user_id\": \"bad-19\", \"product_id\": \"\", \"session_id\": 5}"),
                "session_id", "WRONG_TYPE", "session_id must be a string");
        assertProblem(http.postJson(view, "{\"user_id\": \"bad-20\", \"product_id\": \"p\", \"event_id\": \"  \"}"),
                "event_id", "MISSING_EVENT_ID", "has no eventId");

        // A batch with one bad event is refused whole, naming each bad event by its index.
        Answer batch = http.postJson(view, "[{\"user_id\": \"bad-21\", \"product_id\": \"p\"}, {\"user_id\": \"bad-22\"}, 7]");
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.json().get("error").asText()).isEqualTo("invalid_event");
        assertThat(batch.json().get("events")).hasSize(2);
        assertThat(batch.json().get("events").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(batch.json().get("events").get(0).get("reason").asText()).isEqualTo("MISSING_PRODUCT_ID");
        assertThat(batch.json().get("events").get(1).get("index").asInt()).isEqualTo(2);
        assertThat(batch.json().get("events").get(1).get("message").asText()).isEqualTo("(event) must be a JSON object");

        assertError(http.postJson(view, "{\"user_id\": \"bad-23\", "), 400, "malformed_json", "not valid JSON");
        assertError(http.postJson(view, "{\"user_id\": \"bad-24\", \"product_id\": \"p\"} {\"user_id\": \"bad-25\"}"),
                400, "malformed_json", "Unexpected content after the JSON object");
        assertError(http.postJson(view, ""), 400, "empty_body", "has no body");
        assertError(http.postJson(view, "[]"), 400, "empty_body", "The batch has no events");
        assertError(http.postJson(view, "{\"user_id\": \"bad-26\", \"product_id\": \"p\"}", "Idempotency-Key", " "),
                400, "invalid_header", "Idempotency-Key header is blank");
        assertError(http.post(view, "text/plain", "{\"user_id\": \"bad-27\", \"product_id\": \"p\"}"),
                415, "unsupported_media_type", "Content-Type text/plain is not taken");
        String tooMany = "[" + String.join(",", IntStream.range(0, 51).mapToObj(i -> "{\"user_id\": \"bad-28\", \"product_id\": \"p\"}").toList()) + "]";
        assertError(http.postJson(view, tooMany), 413, "too_large", "at most 50 events");
        String tooLong = "{\"user_id\": \"bad-29\", \"product_id\": \"" + "p".repeat(70_000) + "\"}";
        assertError(http.postJson(view, tooLong), 413, "too_large", "more than 65536");
        assertError(http.postChunked(view, "application/json", tooLong), 413, "too_large", "more than 65536 bytes");
        // Just below the limit, also chunked, it is read whole (and judged by the rules).
        String longest = "{\"user_id\": \"bad-30\", \"product_id\": \"" + "p".repeat(65_536 - 40) + "\"}";
        assertProblem(http.postChunked(view, "application/json", longest), "product_id", "TEXT_TOO_LONG", "more than");

        // A valid event posted after all of them: once it is committed, none of theirs was.
        String marker = "marker-" + UUID.randomUUID();
        assertThat(http.postJson(view, "{\"user_id\": \"" + marker + "\", \"product_id\": \"p\"}").status()).isEqualTo(202);
        List<String> users = views().stream().map(ProductView::getUserId).toList();
        assertThat(users).contains(marker).noneMatch(user -> user.startsWith("bad-") || user.startsWith("xxx"));
        assertThat(orders().stream().map(OrderEvent::getUserId)).noneMatch(user -> user.startsWith("bad-") || user.startsWith("xxx"));
    }

    @Test
    void withAnApiKeyOnlyRequestsCarryingItAreTakenAndEachAnswerIsMeasuredByRouteAndStatus() {
        String key = "ingest-key-" + UUID.randomUUID();
        try (Gateway guarded = IngestGateways.start(KAFKA.bootstrapServers(), registry.url(), Map.of(
                "gateway.ingest.api-key", key,
                // Its own transactional id: the shared gateway's would be fenced by this one's producer.
                "gateway.ingest.transactional-id", "guarded-gateway"))) {
            GatewayHttp client = new GatewayHttp(guarded.localUri());
            String view = "{\"user_id\": \"keyed-" + UUID.randomUUID() + "\", \"product_id\": \"p\"}";

            assertError(client.postJson("/api/v1/product-views", view), 401, "unauthorized", "X-API-Key");
            assertError(client.postJson("/api/v1/orders", view, "X-API-Key", key + "x"), 401, "unauthorized", "X-API-Key");
            assertThat(client.postJson("/api/v1/product-views", view, "X-API-Key", key).status()).isEqualTo(202);
            // Ingest is POST only: other methods are answered by the rest of the gateway.
            assertError(client.get("/api/v1/product-views"), 404, "not_found", "No endpoint GET /api/v1/product-views");

            assertThat(client.get("/metrics").body())
                    .contains("gateway_http_requests_total{method=\"POST\",route=\"/api/v1/product-views\",status=\"401\"} 1.0")
                    .contains("gateway_http_requests_total{method=\"POST\",route=\"/api/v1/orders\",status=\"401\"} 1.0")
                    .contains("gateway_http_requests_total{method=\"POST\",route=\"/api/v1/product-views\",status=\"202\"} 1.0")
                    .contains("gateway_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/product-views\"} 2");
        }
        assertThat(views().stream().map(ProductView::getUserId).filter(user -> user.startsWith("keyed-"))).hasSize(1);
    }

    /**
     * A client that writes its whole body before it reads (as most do) gets the refusal, not a reset connection: the
     * gateway reads and drops the rest of a refused body before it answers, so the connection stays usable for the
     * client's next request. (Answering at once leaves the body unread, and the server must then close the connection.)
     */
    @Test
    void aRefusedBodyIsReadToItsEndSoTheConnectionServesTheNextRequest() throws IOException {
        String tooLong = "{\"user_id\": \"bad-31\", \"product_id\": \"" + "p".repeat(15 * 65_536) + "\"}";
        String next = "{\"user_id\": \"bad-32\"}";
        try (Socket socket = new Socket(gateway.localUri().getHost(), gateway.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());

            out.write(rawPost("/api/v1/product-views", tooLong));
            out.flush();
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 413 ").contains("more than 65536");

            out.write(rawPost("/api/v1/product-views", next));
            out.flush();
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 400 ").contains("MISSING_PRODUCT_ID");
        }
    }

    private static byte[] rawPost(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /** One HTTP/1.1 answer with a Content-Length, as its status line, headers and body. */
    private static String readAnswer(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertThat(length.find()).as(head.toString()).isTrue();
        byte[] body = new byte[Integer.parseInt(length.group(1))];
        in.readFully(body);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    private static void assertProblem(Answer answer, String field, String reason, String messagePart) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        JsonNode body = answer.json();
        assertThat(body.get("error").asText()).isEqualTo("invalid_event");
        assertThat(body.get("message").asText()).as(answer.body()).contains(field + ": ").contains(messagePart);
        JsonNode event = body.get("events").get(0);
        assertThat(event.get("field").asText()).as(answer.body()).isEqualTo(field);
        assertThat(event.get("reason").asText()).as(answer.body()).isEqualTo(reason);
        assertThat(event.get("message").asText()).as(answer.body()).contains(messagePart);
    }

    private static void assertError(Answer answer, int status, String error, String messagePart) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get("error").asText()).as(answer.body()).isEqualTo(error);
        assertThat(answer.json().get("message").asText()).as(answer.body()).contains(messagePart);
    }

    private static List<OrderEvent> orders() {
        return CommittedTopic.read(KAFKA.bootstrapServers(), registry.url(), "orders", OrderEvent.class, OrderEvent.getClassSchema());
    }

    private static List<ProductView> views() {
        return CommittedTopic.read(KAFKA.bootstrapServers(), registry.url(), "product-views", ProductView.class, ProductView.getClassSchema());
    }
}
