package io.trendstream.functions;

import io.trendstream.events.Severity;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.TrendMetric;
import io.trendstream.records.CatalogChange;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.trendstream.functions.WindowEnrichmentTest.product;
import static org.assertj.core.api.Assertions.assertThat;

/** Alerts carry their product's name and category as the catalog has them when the alert is raised. */
class AlertEnrichmentTest {

    private static BroadcastOperatorTestHarness<TrendAlert, CatalogChange, TrendAlert> harness(OperatorSubtaskState restored)
            throws Exception {
        var harness = new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(new AlertEnrichment(), List.of(ProductCatalog.STATE)), 1, 1, 0);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        return harness;
    }

    private static TrendAlert alert(String productId, int window) {
        return TrendAlert.newBuilder().setProductId(productId)
                .setWindowStart(Instant.ofEpochMilli(window * 60_000L)).setWindowEnd(Instant.ofEpochMilli((window + 1) * 60_000L))
                .setMetric(TrendMetric.REVENUE).setObserved(30).setBaseline(10).setRatio(3).setSeverity(Severity.HIGH)
                .build();
    }

    private static List<String> described(BroadcastOperatorTestHarness<TrendAlert, CatalogChange, TrendAlert> harness) {
        return harness.extractOutputValues().stream()
                .map(a -> a.getProductId() + "|" + a.getWindowStart().toEpochMilli() / 60_000 + "|" + a.getProductName()
                        + "|" + a.getCategory() + "|" + a.getSeverity())
                .toList();
    }

    @Test
    void alertsAreEnrichedBeforeAfterAndWithoutTheirCatalogEntry() throws Exception {
        try (var harness = harness(null)) {
            harness.processElement(alert("p3", 0), 0);
            harness.processBroadcastElement(CatalogChange.upsert(product("p3", "Laptop", "Computers")), 0);
            harness.processElement(alert("p3", 1), 0);
            harness.processBroadcastElement(CatalogChange.upsert(product("p3", "Notebook", "Portables")), 0);
            harness.processElement(alert("p3", 2), 0);
            harness.processBroadcastElement(CatalogChange.removal("p3"), 0);
            harness.processElement(alert("p3", 3), 0);
            harness.processElement(alert("p9", 3), 0);

            assertThat(described(harness)).containsExactly(
                    "p3|0|||HIGH",
                    "p3|1|Laptop|Computers|HIGH",
                    "p3|2|Notebook|Portables|HIGH",
                    "p3|3|||HIGH",
                    "p9|3|||HIGH");
        }
    }

    @Test
    void theCatalogSurvivesASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness(null)) {
            before.processBroadcastElement(CatalogChange.upsert(product("p3", "Laptop", "Computers")), 0);
            snapshot = before.snapshot(1, 1);
        }
        try (var after = harness(snapshot)) {
            after.processElement(alert("p3", 0), 0);
            assertThat(described(after)).containsExactly("p3|0|Laptop|Computers|HIGH");
        }
    }
}
