package io.trendstream.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trendstream.events.Severity;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.TrendMetric;
import io.trendstream.gateway.QueryGatewayStack;
import io.trendstream.gateway.live.SseTestClient.Event;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.PostgresExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The live stream over a real broker, registry and PostgreSQL: alerts committed to the alerts topic reach every
 * connected client once, aborted ones never; committed window rows are pushed as closed windows; a client resumes
 * with Last-Event-ID; the gauge counts open connections.
 */
class LiveStreamITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static QueryGatewayStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = QueryGatewayStack.start(KAFKA, POSTGRES);
        await().atMost(PATIENCE).until(stack.live::alertsLive);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static TrendAlert alert(String product, TrendMetric metric, Severity severity, Instant windowStart) {
        return TrendAlert.newBuilder().setProductId(product).setMetric(metric).setSeverity(severity)
                .setWindowStart(windowStart).setWindowEnd(windowStart.plusSeconds(300))
                .setObserved(30).setBaseline(10).setRatio(3).build();
    }

    @Test
    void aCommittedAlertReachesEveryClientOnceAndAnAbortedOneNever() throws Exception {
        Instant window = Instant.parse("2026-11-30T12:00:00Z");
        try (SseTestClient first = SseTestClient.connect(stack.uri(LiveRoutes.PATH), null);
             SseTestClient second = SseTestClient.connect(stack.uri(LiveRoutes.PATH), null)) {
            // Same partition: the aborted one comes first in the log, so it would arrive first if it arrived at all.
            stack.abortAlerts(alert("aborted", TrendMetric.VIEWS, Severity.HIGH, window));
            stack.commitAlerts(alert("committed", TrendMetric.REVENUE, Severity.MEDIUM, window));

            for (SseTestClient client : List.of(first, second)) {
                await().atMost(PATIENCE).until(() -> !client.events(AlertFeed.EVENT).isEmpty());
                List<Event> alerts = client.events(AlertFeed.EVENT);
                assertThat(alerts).hasSize(1);
                JsonNode data = JSON.readTree(alerts.get(0).data());
                assertThat(data.get("product_id").asText()).isEqualTo("committed");
                assertThat(data.get("metric").asText()).isEqualTo("REVENUE");
                assertThat(data.get("severity").asText()).isEqualTo("MEDIUM");
                assertThat(Instant.parse(data.get("window_start").asText())).isEqualTo(window);
                assertThat(data.get("ratio").asDouble()).isEqualTo(3.0);
            }
            assertThat(first.events(AlertFeed.EVENT).get(0).id()).isEqualTo(second.events(AlertFeed.EVENT).get(0).id());
        }
    }

    @Test
    void aWindowIsPushedWithItsTopProductsOnceItsRowsAreCommitted() throws Exception {
        Instant window = Instant.parse("2026-11-30T13:00:00Z");
        try (SseTestClient client = SseTestClient.connect(stack.uri(LiveRoutes.PATH), null);
             Connection owner = stack.owner(); Statement st = owner.createStatement()) {
            owner.setAutoCommit(false);
            st.executeUpdate("INSERT INTO product_window_stats (window_start, window_end, product_id, orders, units, "
                    + "revenue, avg_order_value, distinct_users, views, conversion) SELECT '" + window + "', '"
                    + window.plusSeconds(300) + "', 'w-' || i, i, i, i * 10.5, 10.5, i, 0, NULL "
                    + "FROM generate_series(1, 12) i");
            owner.commit();

            await().atMost(PATIENCE).until(() -> client.events(ClosedWindowFeed.EVENT).stream()
                    .anyMatch(e -> e.data().contains(window.toString())));
            JsonNode pushed = JSON.readTree(client.events(ClosedWindowFeed.EVENT).stream()
                    .filter(e -> e.data().contains(window.toString())).findFirst().orElseThrow().data());
            assertThat(pushed.get("products").asLong()).isEqualTo(12);
            assertThat(Instant.parse(pushed.get("window_end").asText())).isEqualTo(window.plusSeconds(300));
            List<String> top = pushed.get("top").findValuesAsText("product_id");
            assertThat(top).containsExactly("w-12", "w-11", "w-10", "w-9", "w-8", "w-7", "w-6", "w-5", "w-4", "w-3");
            assertThat(pushed.get("top").get(0).get("revenue").decimalValue()).isEqualByComparingTo("126.00");
        }
    }

    @Test
    void aClientThatReconnectsWithItsLastEventIdGetsWhatItMissedAndAStrangerIdAReset() throws Exception {
        Instant window = Instant.parse("2026-11-30T14:00:00Z");
        List<Event> seen;
        try (SseTestClient client = SseTestClient.connect(stack.uri(LiveRoutes.PATH), null)) {
            stack.commitAlerts(alert("r-1", TrendMetric.REVENUE, Severity.HIGH, window),
                    alert("r-2", TrendMetric.REVENUE, Severity.HIGH, window),
                    alert("r-3", TrendMetric.VIEWS, Severity.MEDIUM, window));
            await().atMost(PATIENCE).until(() -> client.events(AlertFeed.EVENT).stream()
                    .filter(e -> e.data().contains("\"r-")).count() == 3);
            seen = client.events(AlertFeed.EVENT).stream().filter(e -> e.data().contains("\"r-")).toList();
        }
        // Disconnected after r-1: resuming from its id replays r-2 and r-3, in order, before anything new.
        try (SseTestClient resumed = SseTestClient.connect(stack.uri(LiveRoutes.PATH), seen.get(0).id())) {
            await().atMost(PATIENCE).until(() -> resumed.events().size() >= 2);
            assertThat(resumed.events().subList(0, 2)).containsExactly(seen.get(1), seen.get(2));
        }
        try (SseTestClient stranger = SseTestClient.connect(stack.uri(LiveRoutes.PATH), "0-17")) {
            await().atMost(PATIENCE).until(() -> !stranger.events().isEmpty());
            assertThat(stranger.events().get(0).type()).isEqualTo(LiveEventLog.RESET);
        }
    }

    @Test
    void theGaugeCountsOpenConnections() throws Exception {
        String gauge = "gateway_live_connections{transport=\"sse\"} ";
        // connections of earlier tests are gone (or there were none, and the gauge has no series yet)
        await().atMost(PATIENCE).until(() -> !stack.scrapeMetrics().contains(gauge)
                || stack.scrapeMetrics().contains(gauge + "0.0"));
        SseTestClient one = SseTestClient.connect(stack.uri(LiveRoutes.PATH), null);
        SseTestClient two = SseTestClient.connect(stack.uri(LiveRoutes.PATH), null);
        assertThat(stack.scrapeMetrics()).contains(gauge + "2.0");
        one.close();
        // the gateway notices at its next heartbeat (300 ms here)
        await().atMost(PATIENCE).until(() -> stack.scrapeMetrics().contains(gauge + "1.0"));
        two.close();
        await().atMost(PATIENCE).until(() -> stack.scrapeMetrics().contains(gauge + "0.0"));
    }
}
