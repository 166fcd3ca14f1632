package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.events.Product;
import io.trendstream.events.WindowStats;
import io.trendstream.records.CatalogChange;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Window rows are enriched with the catalog as it is when they arrive: a change applies to the windows that fire
 * after it, a product not in the catalog keeps empty names and is never held back or dropped, and each firing of a
 * window carries its revision. The catalog and the revisions survive a snapshot and a restore at another parallelism.
 */
class WindowEnrichmentTest {

    private static final long MINUTE = 60_000;
    private static final WindowSettings WINDOWS =
            new WindowSettings(Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(1));
    private static final int MAX_PARALLELISM = 128;

    private final List<KeyedBroadcastOperatorTestHarness<String, WindowAggregate, CatalogChange, WindowStats>> harnesses =
            new ArrayList<>();

    private KeyedBroadcastOperatorTestHarness<String, WindowAggregate, CatalogChange, WindowStats> harness(
            int parallelism, int subtask, OperatorSubtaskState restored) throws Exception {
        var harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new WindowEnrichment(WINDOWS), List.of(ProductCatalog.STATE)),
                WindowAggregate::productId, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        harnesses.add(harness);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        return harness;
    }

    private KeyedBroadcastOperatorTestHarness<String, WindowAggregate, CatalogChange, WindowStats> harness() throws Exception {
        return harness(1, 0, null);
    }

    @AfterEach
    void close() throws Exception {
        for (var harness : harnesses) {
            harness.close();
        }
    }

    static Product product(String id, String name, String category) {
        return Product.newBuilder().setProductId(id).setName(name).setCategory(category)
                .setListPrice(new BigDecimal("999.00")).setUpdatedAt(Instant.parse("2026-11-30T10:00:00Z")).build();
    }

    /** The n-th one-minute window of a product, with {@code orders} orders of 10.00. */
    private static WindowAggregate window(String productId, int n, long orders) {
        return new WindowAggregate(productId, n * MINUTE, (n + 1) * MINUTE, orders, orders, orders * 1_000, 1, 4);
    }

    private static void fire(KeyedBroadcastOperatorTestHarness<String, WindowAggregate, CatalogChange, WindowStats> harness,
                             WindowAggregate row) throws Exception {
        harness.processElement(row, row.windowEnd() - 1);
    }

    private static List<String> described(KeyedBroadcastOperatorTestHarness<String, WindowAggregate, CatalogChange, WindowStats> harness) {
        return harness.extractOutputValues().stream()
                .map(s -> s.getProductId() + "|" + s.getWindowStart().toEpochMilli() / MINUTE + "|r" + s.getRevision()
                        + "|" + s.getProductName() + "|" + s.getCategory() + "|" + s.getOrders())
                .toList();
    }

    @Test
    void aProductInTheCatalogBeforeItsWindowFiresHasItsNameAndCategory() throws Exception {
        var harness = harness();
        harness.processBroadcastElement(CatalogChange.upsert(product("p3", "Laptop", "Computers")), 0);
        fire(harness, window("p3", 0, 2));

        assertThat(described(harness)).containsExactly("p3|0|r1|Laptop|Computers|2");
        WindowStats stats = harness.extractOutputValues().get(0);
        assertThat(stats.getRevenue()).isEqualByComparingTo("20.00");
        assertThat(stats.getAverageOrderValue()).isEqualByComparingTo("10.00");
        assertThat(stats.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(MINUTE));
        assertThat(stats.getConversion()).isEqualTo(0.5);
    }

    @Test
    void aProductNeverInTheCatalogIsCountedWithEmptyNames() throws Exception {
        var harness = harness();
        harness.processBroadcastElement(CatalogChange.upsert(product("p3", "Laptop", "Computers")), 0);
        fire(harness, window("p9", 0, 1));

        assertThat(described(harness)).containsExactly("p9|0|r1|||1");
    }

    @Test
    void aCatalogEntryArrivingAfterAWindowFiredAppliesToItsLaterFiringsOnly() throws Exception {
        var harness = harness();
        fire(harness, window("p3", 0, 1));
        harness.processBroadcastElement(CatalogChange.upsert(product("p3", "Laptop", "Computers")), 0);
        fire(harness, window("p3", 0, 2)); // a late event re-fires window 0
        fire(harness, window("p3", 1, 1));

        assertThat(described(harness)).containsExactly(
                "p3|0|r1|||1",
                "p3|0|r2|Laptop|Computers|2",
                "p3|1|r1|Laptop|Computers|1");
    }

    @Test
    void aRenameAppliesToWindowsFiringAfterIt() throws Exception {
        var harness = harness();
        harness.processBroadcastElement(CatalogChange.upsert(product("p3", "Laptop", "Computers")), 0);
        fire(harness, window("p3", 0, 1));
        harness.processBroadcastElement(CatalogChange.upsert(product("p3", "Notebook", "Portables")), 0);
        fire(harness, window("p3", 0, 2));
        fire(harness, window("p3", 1, 1));

        assertThat(described(harness)).containsExactly(
                "p3|0|r1|Laptop|Computers|1",
                "p3|0|r2|Notebook|Portables|2",
                "p3|1|r1|Notebook|Portables|1");
    }

    @Test
    void aTombstoneRemovesTheProductFromLaterWindows() throws Exception {
        var harness = harness();
        harness.processBroadcastElement(CatalogChange.upsert(product("p3", "Laptop", "Computers")), 0);
        fire(harness, window("p3", 0, 1));
        harness.processBroadcastElement(CatalogChange.removal("p3"), 0);
        fire(harness, window("p3", 1, 1));

        assertThat(described(harness)).containsExactly("p3|0|r1|Laptop|Computers|1", "p3|1|r1|||1");
    }

    @Test
    void aWindowsRevisionIsForgottenOnceTheWindowIsClosedForGood() throws Exception {
        var harness = harness();
        fire(harness, window("p3", 0, 1));
        fire(harness, window("p3", 1, 1));
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        // Window 0 is closed for good when the watermark reaches its end plus the allowed lateness, less 1 ms (the
        // window operator's cleanup time); until then a late firing is its next revision.
        harness.processWatermark(MINUTE + 30_000 - 2);
        fire(harness, window("p3", 0, 2));
        harness.processWatermark(MINUTE + 30_000 - 1);
        // Nothing of window 0 is left: a firing now (which the window operator no longer makes) would start afresh.
        fire(harness, window("p3", 0, 3));
        fire(harness, window("p3", 1, 2));

        assertThat(described(harness)).containsExactly(
                "p3|0|r1|||1", "p3|1|r1|||1", "p3|0|r2|||2", "p3|0|r1|||3", "p3|1|r2|||2");
    }

    @Test
    void theCatalogAndRevisionsSurviveASnapshotAndARestoreAtAnotherParallelism() throws Exception {
        var before = harness();
        before.processBroadcastElement(CatalogChange.upsert(product("p3", "Laptop", "Computers")), 0);
        before.processBroadcastElement(CatalogChange.upsert(product("p4", "Mouse", "Accessories")), 0);
        fire(before, window("p3", 0, 1));
        fire(before, window("p4", 0, 1));
        OperatorSubtaskState snapshot = before.snapshot(1, 1);

        List<String> after = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            var restored = harness(2, subtask, AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    snapshot, MAX_PARALLELISM, 1, 2, subtask));
            // Every subtask has the whole catalog; each key's revisions went to the subtask that owns it.
            assertThat(restored.getBroadcastState(ProductCatalog.STATE).get("p4").getName()).isEqualTo("Mouse");
            for (String productId : List.of("p3", "p4")) {
                int owner = org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(
                        productId, MAX_PARALLELISM, 2);
                if (owner == subtask) {
                    fire(restored, window(productId, 0, 2));
                }
            }
            after.addAll(described(restored));
        }
        assertThat(after).containsExactlyInAnyOrder("p3|0|r2|Laptop|Computers|2", "p4|0|r2|Mouse|Accessories|2");
    }
}
