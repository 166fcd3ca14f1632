package io.trendstream.gateway.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.events.DeadLetter;
import io.trendstream.gateway.QueryGatewayStack;
import io.trendstream.gateway.QueryGatewayStack.Answer;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.PostgresExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The query API against a real PostgreSQL with the repository's schema, seeded through it, and a real Kafka with
 * dead letters written in transactions: every answer holds exactly the seeded rows (compared with what was
 * inserted, not with a second copy of the API's SQL), in order, over every page; bad parameters are 400s naming
 * the parameter.
 */
class QueryApiITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final List<String> PRODUCTS = List.of("p-a", "p-b", "p-c", "p-d", "p/ü ?&");

    private static QueryGatewayStack stack;
    private static final List<Window> WINDOWS = new ArrayList<>();
    private static final List<Alert> ALERTS = new ArrayList<>();

    record Window(String product, Instant start, long orders, long units, BigDecimal revenue, BigDecimal aov,
            long users, long views, Double conversion, Instant updatedAt) {}

    record Alert(String product, String metric, Instant start, double observed, double baseline, double ratio,
            String severity, Instant detectedAt) {}

    @BeforeAll
    static void seedAndStart() throws Exception {
        stack = QueryGatewayStack.start(KAFKA, POSTGRES);
        // 5 products x 18 windows (10:00 to 11:25, two hours); p-a and p-b tie on revenue in every window, and
        // p-c has no window at 10:30.
        for (int p = 0; p < PRODUCTS.size(); p++) {
            for (int w = 0; w < 18; w++) {
                if (p == 2 && w == 6) {
                    continue;
                }
                long orders = 1 + (p == 1 ? 0 : p) + (w * 7L) % 5;
                long views = (w + p) % 4 == 0 ? 0 : 4 * orders;
                BigDecimal revenue = BigDecimal.valueOf(orders * 1999 + (p == 1 ? 0 : p) * 7L, 2);
                WINDOWS.add(new Window(PRODUCTS.get(p), T0.plus(WINDOW.multipliedBy(w)), orders, 2 * orders,
                        revenue, revenue.divide(BigDecimal.valueOf(orders), 2, java.math.RoundingMode.HALF_UP),
                        orders, views, views == 0 ? null : 0.25, T0.plus(WINDOW.multipliedBy(w + 1)).plusSeconds(p)));
            }
        }
        for (int i = 0; i < 7; i++) {
            ALERTS.add(new Alert(PRODUCTS.get(i % 3), i % 2 == 0 ? "REVENUE" : "VIEWS",
                    T0.plus(WINDOW.multipliedBy(i / 2)), 10 + i, 4, (10 + i) / 4.0, i % 3 == 0 ? "HIGH" : "MEDIUM",
                    T0.plus(WINDOW.multipliedBy(i / 2 + 1))));
        }
        try (Connection c = stack.owner()) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO product_window_stats (window_start, "
                    + "window_end, product_id, orders, units, revenue, avg_order_value, distinct_users, views, "
                    + "conversion, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Window w : WINDOWS) {
                    insert.setObject(1, ts(w.start()));
                    insert.setObject(2, ts(w.start().plus(WINDOW)));
                    insert.setString(3, w.product());
                    insert.setLong(4, w.orders());
                    insert.setLong(5, w.units());
                    insert.setBigDecimal(6, w.revenue());
                    insert.setBigDecimal(7, w.aov());
                    insert.setLong(8, w.users());
                    insert.setLong(9, w.views());
                    insert.setObject(10, w.conversion());
                    insert.setObject(11, ts(w.updatedAt()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO trend_alerts (window_start, window_end, "
                    + "product_id, metric, observed, baseline, ratio, severity, detected_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Alert a : ALERTS) {
                    insert.setObject(1, ts(a.start()));
                    insert.setObject(2, ts(a.start().plus(WINDOW)));
                    insert.setString(3, a.product());
                    insert.setString(4, a.metric());
                    insert.setDouble(5, a.observed());
                    insert.setDouble(6, a.baseline());
                    insert.setDouble(7, a.ratio());
                    insert.setString(8, a.severity());
                    insert.setObject(9, ts(a.detectedAt()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (Statement st = c.createStatement()) {
                // 3 late orders and 2 late views of p-a, 1 late order of p-b, in [10:00, 10:30); one more at 10:30
                st.execute("INSERT INTO late_events (event_time, event_id, product_id, kind, window_start, units, "
                        + "revenue, watermark_at_arrival) SELECT '2026-11-30T10:00Z'::timestamptz + i * INTERVAL "
                        + "'4 minutes', 'e' || i, CASE WHEN i = 5 THEN 'p-b' ELSE 'p-a' END, CASE WHEN i IN (3, 4) "
                        + "THEN 'VIEW' ELSE 'ORDER' END, '2026-11-30T10:00Z', 1, 1, '2026-11-30T11:00Z' "
                        + "FROM generate_series(0, 5) i UNION ALL SELECT '2026-11-30T10:30Z'::timestamptz, "
                        + "'e-later', 'p-a', 'ORDER', '2026-11-30T10:30Z'::timestamptz, 1, 1, "
                        + "'2026-11-30T11:00Z'::timestamptz");
            }
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aProductsWindowsInARangeAreExactlyItsRowsOverEveryPage() throws Exception {
        String product = "p/ü ?&";
        Instant from = T0.plus(WINDOW.multipliedBy(3));
        Instant to = T0.plus(WINDOW.multipliedBy(14));
        List<Map<String, String>> expected = WINDOWS.stream()
                .filter(w -> w.product().equals(product) && !w.start().isBefore(from) && w.start().isBefore(to))
                .sorted(Comparator.comparing(Window::start)).map(QueryApiITCase::json).toList();
        assertThat(expected).hasSize(11);

        String path = "/api/v1/products/" + pathSegment(product) + "/windows?from=" + from + "&to=" + to;
        List<Map<String, String>> pages = allPages(path + "&limit=4", 3);
        assertThat(pages).containsExactlyElementsOf(expected);
        assertThat(items(stack.get(path))).as("default limit: one page").containsExactlyElementsOf(expected);
    }

    @Test
    void topProductsOfAWindowAreRankedByTheMetricWithTiesByProductId() throws Exception {
        Instant window = T0.plus(WINDOW.multipliedBy(6));
        for (String by : List.of("revenue", "orders", "views")) {
            Comparator<Window> metric = switch (by) {
                case "revenue" -> Comparator.comparing(Window::revenue);
                case "orders" -> Comparator.comparingLong(Window::orders);
                default -> Comparator.comparingLong(Window::views);
            };
            List<Map<String, String>> expected = WINDOWS.stream().filter(w -> w.start().equals(window))
                    .sorted(metric.reversed().thenComparing(Window::product)).map(QueryApiITCase::json).toList();
            assertThat(expected).as("p-c has no window then").hasSize(4);

            String path = "/api/v1/top-products?by=" + by + "&window_start=" + window;
            assertThat(allPages(path + "&limit=1", 4)).as(by).containsExactlyElementsOf(expected);
            Answer answer = stack.get(path);
            assertThat(answer.json().get("by").asText()).isEqualTo(by);
            assertThat(Instant.parse(answer.json().get("window_start").asText())).isEqualTo(window);
        }
    }

    @Test
    void latestIsTheNewestWindow() throws Exception {
        Instant newest = WINDOWS.stream().map(Window::start).max(Comparator.naturalOrder()).orElseThrow();
        Answer answer = stack.get("/api/v1/top-products?window_start=latest&limit=2");
        assertThat(Instant.parse(answer.json().get("window_start").asText())).isEqualTo(newest);
        assertThat(items(answer)).containsExactlyElementsOf(WINDOWS.stream().filter(w -> w.start().equals(newest))
                .sorted(Comparator.comparing(Window::revenue).reversed().thenComparing(Window::product))
                .limit(2).map(QueryApiITCase::json).toList());
    }

    @Test
    void topProductsOfAnHourAreTheSumsOfItsWindows() throws Exception {
        Instant hour = T0.plus(Duration.ofHours(1));
        Map<String, List<Window>> byProduct = WINDOWS.stream()
                .filter(w -> w.start().truncatedTo(ChronoUnit.HOURS).equals(hour))
                .collect(Collectors.groupingBy(Window::product, TreeMap::new, Collectors.toList()));
        List<Map<String, String>> expected = byProduct.entrySet().stream().map(e -> {
            long orders = e.getValue().stream().mapToLong(Window::orders).sum();
            long views = e.getValue().stream().mapToLong(Window::views).sum();
            Map<String, String> row = new LinkedHashMap<>();
            row.put("product_id", e.getKey());
            row.put("bucket", hour.toString());
            row.put("orders", Long.toString(orders));
            row.put("units", number(e.getValue().stream().mapToLong(Window::units).sum()));
            row.put("revenue", number(e.getValue().stream().map(Window::revenue).reduce(BigDecimal.ZERO,
                    BigDecimal::add)));
            row.put("views", Long.toString(views));
            row.put("conversion", views == 0 ? "null" : number(BigDecimal.valueOf((double) orders / views)));
            return row;
        }).sorted(Comparator.<Map<String, String>, Long>comparing(r -> Long.parseLong(r.get("orders"))).reversed()
                .thenComparing(r -> r.get("product_id"))).toList();

        assertThat(allPages("/api/v1/top-products?by=orders&hour=" + hour + "&limit=2", 3))
                .containsExactlyElementsOf(expected);
    }

    @Test
    void alertsSinceATimeOldestFirstOptionallyBySeverity() throws Exception {
        Instant since = T0.plus(WINDOW);
        Comparator<Alert> key = Comparator.comparing(Alert::start).thenComparing(Alert::product)
                .thenComparing(Alert::metric);
        List<Map<String, String>> expected = ALERTS.stream().filter(a -> !a.start().isBefore(since)).sorted(key)
                .map(QueryApiITCase::json).toList();
        assertThat(expected).hasSize(5);
        assertThat(allPages("/api/v1/alerts?since=" + since + "&limit=2", 3)).containsExactlyElementsOf(expected);
        assertThat(items(stack.get("/api/v1/alerts?since=" + since + "&severity=high")))
                .containsExactlyElementsOf(ALERTS.stream().filter(a -> !a.start().isBefore(since))
                        .filter(a -> a.severity().equals("HIGH")).sorted(key).map(QueryApiITCase::json).toList());
    }

    @Test
    void lateEventsAreCountedByKindInTheRange() throws Exception {
        JsonNode all = stack.get("/api/v1/late-events/count?from=2026-11-30T10:00:00Z&to=2026-11-30T10:30:00Z").json();
        assertThat(all.get("total").asLong()).isEqualTo(6);
        assertThat(all.get("by_kind").get("ORDER").asLong()).isEqualTo(4);
        assertThat(all.get("by_kind").get("VIEW").asLong()).isEqualTo(2);
        JsonNode one = stack.get("/api/v1/late-events/count?from=2026-11-30T10:00:00Z&to=2026-11-30T10:30:01Z"
                + "&product_id=p-a").json();
        assertThat(one.get("total").asLong()).isEqualTo(6);
        assertThat(one.get("by_kind").get("ORDER").asLong()).isEqualTo(4);
    }

    @Test
    void deadLettersAreCountedOnceEachCommittedNeverAborted() throws Exception {
        // Two committed transactions and one aborted: the topic's offsets hold 10 records and 3 markers.
        stack.writeDeadLetters(letters("UNDECODABLE", 3), true);
        stack.writeDeadLetters(letters("MISSING_EVENT_ID", 4), false);
        stack.writeDeadLetters(letters("NOT_WIRE_FORMAT", 2), true);
        stack.writeDeadLetters(letters("UNDECODABLE", 1), true);

        JsonNode count = stack.get("/api/v1/dead-letters/count").json();
        assertThat(count.get("total").asLong()).isEqualTo(6);
        assertThat(count.get("by_reason").properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("UNDECODABLE", "NOT_WIRE_FORMAT");
        assertThat(count.get("by_reason").get("UNDECODABLE").asLong()).isEqualTo(4);
        assertThat(count.get("by_reason").get("NOT_WIRE_FORMAT").asLong()).isEqualTo(2);
        assertThat(count.get("topic").asText()).isEqualTo("dead-letters");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/api/v1/products/p-a/windows?to=2026-11-30T11:00:00Z | from",
            "/api/v1/products/p-a/windows?from=2026-11-30T10:00:00Z | to",
            "/api/v1/products/p-a/windows?from=yesterday&to=2026-11-30T11:00:00Z | from",
            "/api/v1/products/p-a/windows?from=2026-11-30T10:00:00&to=2026-11-30T11:00:00Z | from",
            "/api/v1/products/p-a/windows?from=2026-11-30T11:00:00Z&to=2026-11-30T10:00:00Z | to",
            "/api/v1/products/p-a/windows?from=+100000-01-01T00:00:00Z&to=2026-11-30T11:00:00Z | from",
            "/api/v1/products/p-a/windows?from=2026-11-30T10:00:00Z&to=2026-11-30T11:00:00Z&limit=0 | limit",
            "/api/v1/products/p-a/windows?from=2026-11-30T10:00:00Z&to=2026-11-30T11:00:00Z&limit=1001 | limit",
            "/api/v1/products/p-a/windows?from=2026-11-30T10:00:00Z&to=2026-11-30T11:00:00Z&limit=ten | limit",
            "/api/v1/products/p-a/windows?from=2026-11-30T10:00:00Z&to=2026-11-30T11:00:00Z&cursor=!!! | cursor",
            "/api/v1/products/p-a/windows?from=2026-11-30T10:00:00Z&to=2026-11-30T11:00:00Z&cursor=YQ | cursor",
            "/api/v1/products/p-a/windows?from=2026-11-30T10:00:00Z&from=2026-11-30T10:05:00Z&to=2026-11-30T11:00:00Z | from",
            "/api/v1/top-products?by=revenue | window_start",
            "/api/v1/top-products?window_start=latest&hour=2026-11-30T10:00:00Z | hour",
            "/api/v1/top-products?window_start=latest&by=price | by",
            "/api/v1/top-products?window_start=now | window_start",
            "/api/v1/top-products?hour=2026-11-30T10:30:00Z | hour",
            "/api/v1/top-products?window_start=latest&cursor=YQ | cursor",
            "/api/v1/alerts | since",
            "/api/v1/alerts?since=2026-11-30T10:00:00Z&severity=LOW | severity",
            "/api/v1/late-events/count?from=2026-11-30T10:00:00Z | to",
    })
    void aBadParameterIsA400NamingIt(String request, String parameter) throws Exception {
        Answer answer = stack.get(request.replace("+", "%2B"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).isEqualTo("invalid_parameter");
        assertThat(answer.json().get("parameter").asText()).isEqualTo(parameter);
        assertThat(answer.json().get("message").asText()).startsWith("Invalid parameter '" + parameter + "': ");
    }

    @Test
    void aProductIdLongerThanTheJobAcceptsIsA400() throws Exception {
        Answer answer = stack.get("/api/v1/products/" + "x".repeat(129)
                + "/windows?from=2026-11-30T10:00:00Z&to=2026-11-30T11:00:00Z");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("parameter").asText()).isEqualTo("product_id");
    }

    @Test
    void theQueryApisConnectionsCannotWrite() {
        ReaderPool pool = new ReaderPool(POSTGRES.jdbcUrl(QueryGatewayStack.DATABASE), POSTGRES.user(),
                POSTGRES.password(), 1, Duration.ofSeconds(5));
        try (pool) {
            // Even logged in as the schema's owner: the pool's sessions act as trendstream_reader, read-only.
            try (Connection c = pool.dataSource().getConnection(); Statement st = c.createStatement()) {
                try (java.sql.ResultSet rs = st.executeQuery("SELECT current_user || ' ' "
                        + "|| current_setting('transaction_read_only') || ' ' "
                        + "|| has_table_privilege('trend_alerts', 'DELETE')")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("trendstream_reader on false");
                }
                assertThatThrownBy(() -> st.executeUpdate("DELETE FROM trend_alerts"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("cannot execute DELETE in a read-only transaction");
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Follows next_cursor from the first page to the last; fails unless there are exactly {@code pages} pages. */
    private static List<Map<String, String>> allPages(String path, int pages) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        String cursor = null;
        int fetched = 0;
        do {
            Answer answer = stack.get(path + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            rows.addAll(items(answer));
            fetched++;
            JsonNode next = answer.json().get("next_cursor");
            cursor = next == null || next.isNull() ? null : next.asText();
        } while (cursor != null && fetched <= pages);
        assertThat(fetched).as("pages of " + path).isEqualTo(pages);
        return rows;
    }

    private static List<Map<String, String>> items(Answer answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode item : answer.json().get("items")) {
            Map<String, String> row = new LinkedHashMap<>();
            item.properties().forEach(e -> row.put(e.getKey(), text(e.getValue())));
            rows.add(row);
        }
        return rows;
    }

    private static String text(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isNumber()) {
            return number(value.decimalValue());
        }
        return value.asText();
    }

    private static String number(Object value) {
        return new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> json(Window w) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("product_id", w.product());
        row.put("window_start", w.start().toString());
        row.put("window_end", w.start().plus(WINDOW).toString());
        row.put("orders", number(w.orders()));
        row.put("units", number(w.units()));
        row.put("revenue", number(w.revenue()));
        row.put("avg_order_value", number(w.aov()));
        row.put("distinct_users", number(w.users()));
        row.put("views", number(w.views()));
        row.put("conversion", w.conversion() == null ? "null" : number(w.conversion()));
        row.put("updated_at", w.updatedAt().toString());
        return row;
    }

    private static Map<String, String> json(Alert a) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("product_id", a.product());
        row.put("metric", a.metric());
        row.put("window_start", a.start().toString());
        row.put("window_end", a.start().plus(WINDOW).toString());
        row.put("observed", number(a.observed()));
        row.put("baseline", number(a.baseline()));
        row.put("ratio", number(a.ratio()));
        row.put("severity", a.severity());
        row.put("detected_at", a.detectedAt().toString());
        return row;
    }

    private static List<DeadLetter> letters(String reason, int count) {
        return IntStream.range(0, count).mapToObj(i -> DeadLetter.newBuilder().setReason(reason).setDetail("test")
                .setSourceTopic("orders").setSourcePartition(0).setSourceOffset(i)
                .setSourceTimestamp(T0).setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).build()).toList();
    }

    private static OffsetDateTime ts(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String pathSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
