package io.trendstream.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trendstream.events.Severity;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.TrendMetric;
import io.trendstream.gateway.QueryGatewayStack;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.PostgresExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The live page in a real browser (headless Debian chromium over the DevTools protocol) against a gateway on a real
 * broker, registry and PostgreSQL: it loads the top products of the latest window, receives an alert committed to
 * the alerts topic over the live stream and shows it, and follows a newly committed window. Every wait is for a
 * condition in the page's DOM.
 */
class DashboardBrowserITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static QueryGatewayStack stack;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        chromium = HeadlessChromium.start(); // first: fails at once, saying how to install it, when missing
        stack = QueryGatewayStack.start(KAFKA, POSTGRES);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    void thePageShowsTheLatestWindowThenALiveAlertAndTheNextWindow() throws Exception {
        Instant window = Instant.now().truncatedTo(ChronoUnit.HOURS);
        insertWindow(window, "shown-", 3);

        chromium.navigate(stack.uri(DashboardPage.PATH));
        awaitPage("document.getElementById('status').dataset.state", "live");
        awaitPage("[...document.querySelectorAll('#top tr')].map(r => r.dataset.product).join(',')",
                "shown-3,shown-2,shown-1");

        await().atMost(PATIENCE).until(stack.live::alertsLive);
        stack.commitAlerts(TrendAlert.newBuilder().setProductId("spiking <b>product</b>")
                .setMetric(TrendMetric.REVENUE).setSeverity(Severity.HIGH).setWindowStart(window)
                .setWindowEnd(window.plusSeconds(300)).setObserved(250).setBaseline(100).setRatio(2.5).build());
        awaitPage("[...document.querySelectorAll('#alerts tr')].map(r => [...r.cells].map(c => c.textContent)"
                + ".slice(1).join(' ')).join('|')", "spiking <b>product</b> REVENUE 250.00 100.00 2.50× HIGH");
        // shown as text, not markup
        awaitPage("document.querySelectorAll('#alerts b').length", "0");

        insertWindow(window.plusSeconds(300), "next-", 2);
        awaitPage("[...document.querySelectorAll('#top tr')].map(r => r.dataset.product).join(',')",
                "next-2,next-1");
    }

    private static void awaitPage(String expression, String expected) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode value = chromium.evaluate(expression);
            assertThat(value == null ? null : value.asText()).as(expression).isEqualTo(expected);
        });
    }

    private static void insertWindow(Instant start, String prefix, int products) throws Exception {
        try (Connection owner = stack.owner(); Statement st = owner.createStatement()) {
            st.executeUpdate("INSERT INTO product_window_stats (window_start, window_end, product_id, orders, units, "
                    + "revenue, avg_order_value, distinct_users, views, conversion) SELECT '" + start + "', '"
                    + start.plusSeconds(300) + "', '" + prefix + "' || i, i, i, i * 9.99, 9.99, i, 4 * i, 0.25 "
                    + "FROM generate_series(1, " + products + ") i");
        }
    }
}
