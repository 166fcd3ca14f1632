package io.trendstream.functions;

import io.trendstream.config.TrendSettings;
import io.trendstream.events.Severity;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.TrendMetric;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.TrendBaseline;
import io.trendstream.records.WindowAggregate;
import io.trendstream.testing.CapturedMetrics;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trend detector keeps, per product, an exponential moving average (EMA) of window revenue and
 * views, judges each new window against the baseline of the windows before it, and alerts when the
 * window is a multiple of that baseline.
 */
class TrendDetectorTest {

    private static final long WINDOW = 60_000L;
    /** alpha 0.5 keeps every EMA exact in binary floating point; three warm-up windows. */
    private static final TrendSettings HALF = new TrendSettings(0.5, 3, 1.5, 2.0);

    private KeyedOneInputStreamOperatorTestHarness<String, WindowAggregate, TrendAlert> harness;
    private CapturedMetrics metrics;

    /** The state backend the operator runs on; heap state here. */
    protected StateBackend stateBackend() {
        return new HashMapStateBackend();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, WindowAggregate, TrendAlert> newHarness(TrendSettings settings)
            throws Exception {
        metrics = new CapturedMetrics();
        KeyedOneInputStreamOperatorTestHarness<String, WindowAggregate, TrendAlert> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TrendDetector(settings)),
                WindowAggregate::productId, Types.STRING, metrics.environment());
        h.setStateBackend(stateBackend());
        return h;
    }

    private void start(TrendSettings settings) throws Exception {
        harness = newHarness(settings);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /** The n-th (0-based) one-minute window of a product, with revenue in cents and views. */
    private static WindowAggregate window(String product, int n, long revenueCents, long views) {
        return new WindowAggregate(product, n * WINDOW, (n + 1) * WINDOW, 1, 1, revenueCents, 1, views);
    }

    private void feed(WindowAggregate... windows) throws Exception {
        for (WindowAggregate window : windows) {
            harness.processElement(window, window.windowEnd() - 1);
        }
    }

    /** Feeds a product's windows 0.. with the given revenues (in currency units) and 10 views each. */
    private void feedRevenues(String product, long... revenues) throws Exception {
        for (int n = 0; n < revenues.length; n++) {
            feed(window(product, n, revenues[n] * 100, 10));
        }
    }

    private static TrendAlert alert(String product, int n, TrendMetric metric, double observed, double baseline,
            double ratio, Severity severity) {
        return TrendAlert.newBuilder()
                .setProductId(product)
                .setWindowStart(Instant.ofEpochMilli(n * WINDOW))
                .setWindowEnd(Instant.ofEpochMilli((n + 1) * WINDOW))
                .setMetric(metric)
                .setObserved(observed)
                .setBaseline(baseline)
                .setRatio(ratio)
                .setSeverity(severity)
                .build();
    }

    private TrendBaseline baselineOf(String product) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(product);
        ValueState<TrendBaseline> state = backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>(TrendDetector.STATE_NAME, TypeInformation.of(TrendBaseline.class)));
        return state.value();
    }

    // ------------------------------------------------------------------ windows without activity

    /** {@link #HALF} that forgets a product after ten one-minute windows without any. */
    private static final TrendSettings HALF_FORGETTING_AFTER_10_MIN =
            new TrendSettings(0.5, 3, 1.5, 2.0, java.time.Duration.ofMinutes(10));

    @Test
    void theBaselineDecaysOverWindowsWithoutActivityAsOverWindowsOfZero() throws Exception {
        start(HALF_FORGETTING_AFTER_10_MIN);

        // Windows 0-2 at 100; windows 3 and 4 without activity (no rows); window 5 at 100 again.
        feed(window("p-1", 0, 10_000, 10), window("p-1", 1, 10_000, 10), window("p-1", 2, 10_000, 10),
                window("p-1", 5, 10_000, 10));

        // The baseline after two zero windows: 100 * 0.5 * 0.5 = 25 (views: 10 -> 2.5).
        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 5, TrendMetric.REVENUE, 100.0, 25.0, 4.0, Severity.HIGH),
                alert("p-1", 5, TrendMetric.VIEWS, 10.0, 2.5, 4.0, Severity.HIGH));
        assertThat(baselineOf("p-1").windowsSeen).isEqualTo(6);
    }

    @Test
    void aProductBackAfterTheBaselineTtlWarmsUpAgain() throws Exception {
        start(HALF_FORGETTING_AFTER_10_MIN);

        feed(window("p-1", 0, 10_000, 10), window("p-1", 1, 10_000, 10), window("p-1", 2, 10_000, 10),
                window("p-1", 13, 1_000_000, 1_000)); // starts 10 min after window 2 ended

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(baselineOf("p-1").windowsSeen).isEqualTo(1);
        assertThat(baselineOf("p-1").revenueEma).isEqualTo(10_000.0);
    }

    @Test
    void aVanishedProductsBaselineIsFreedOnceTheTtlHasPassed() throws Exception {
        start(HALF_FORGETTING_AFTER_10_MIN);
        feed(window("p-1", 0, 10_000, 10), window("p-1", 1, 10_000, 10));

        harness.processWatermark(2 * WINDOW + 10 * WINDOW - 1);
        assertThat(baselineOf("p-1")).isNotNull();
        harness.processWatermark(2 * WINDOW + 10 * WINDOW);

        assertThat(baselineOf("p-1")).isNull();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void keepsOneForgettingTimerPerProduct() throws Exception {
        start(HALF_FORGETTING_AFTER_10_MIN);

        feedRevenues("p-1", 100, 100, 100, 100);

        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ warm-up

    @Test
    void raisesNoAlertDuringWarmUpHoweverLargeTheJump() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 1_000, 50_000);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(baselineOf("p-1").windowsSeen).isEqualTo(3);
    }

    @Test
    void judgesTheFirstWindowAfterWarmUp() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 100, 100, 250);

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 250.0, 100.0, 2.5, Severity.HIGH));
    }

    @Test
    void withoutWarmUpStillNeedsOneWindowAsBaseline() throws Exception {
        start(new TrendSettings(0.5, 0, 1.5, 2.0));

        feedRevenues("p-1", 100, 300);

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 1, TrendMetric.REVENUE, 300.0, 100.0, 3.0, Severity.HIGH));
    }

    // ------------------------------------------------------------------ EMA and severity

    @Test
    void raisesHighAlertWhenRevenueIsTwoAndAHalfTimesTheBaseline() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 100, 100, 250);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(a -> {
            assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(a.getBaseline()).isEqualTo(100.0);
            assertThat(a.getRatio()).isEqualTo(2.5);
        });
    }

    @Test
    void raisesMediumAlertWhenRevenueIsOnePointSixTimesTheBaseline() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 100, 100, 160);

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 160.0, 100.0, 1.6, Severity.MEDIUM));
    }

    @Test
    void raisesNoAlertBelowTheMediumRatio() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 100, 100, 140);

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void ratioExactlyAtTheMediumThresholdIsMedium() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 100, 100, 150);

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 150.0, 100.0, 1.5, Severity.MEDIUM));
    }

    @Test
    void ratioJustBelowTheMediumThresholdRaisesNothing() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 100, 100);
        feed(window("p-1", 3, 14_999, 10)); // 149.99 / 100

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void ratioExactlyAtTheHighThresholdIsHigh() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 100, 100, 200);

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 200.0, 100.0, 2.0, Severity.HIGH));
    }

    @Test
    void judgesAgainstTheExponentialMovingAverageOfEarlierWindows() throws Exception {
        start(HALF);

        // EMA: 100 -> 0.5*200 + 0.5*100 = 150 -> 0.5*100 + 0.5*150 = 125; 250 / 125 = 2.0
        feedRevenues("p-1", 100, 200, 100, 250);

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 250.0, 125.0, 2.0, Severity.HIGH));
    }

    @Test
    void foldsTheJudgedWindowIntoTheBaselineAfterJudgingIt() throws Exception {
        start(HALF);

        // after 250 the EMA is 0.5*250 + 0.5*100 = 175; 350 / 175 = 2.0
        feedRevenues("p-1", 100, 100, 100, 250, 350);

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 250.0, 100.0, 2.5, Severity.HIGH),
                alert("p-1", 4, TrendMetric.REVENUE, 350.0, 175.0, 2.0, Severity.HIGH));
    }

    @Test
    void weighsTheNewestWindowByAlpha() throws Exception {
        start(new TrendSettings(0.25, 1, 1.5, 2.0));

        // EMA: 100 -> 0.25*500 + 0.75*100 = 200; 400 / 200 = 2.0
        feedRevenues("p-1", 100, 500, 400);

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 1, TrendMetric.REVENUE, 500.0, 100.0, 5.0, Severity.HIGH),
                alert("p-1", 2, TrendMetric.REVENUE, 400.0, 200.0, 2.0, Severity.HIGH));
    }

    @Test
    void measuresRevenueInCurrencyUnitsNotCents() throws Exception {
        start(HALF);

        feed(window("p-1", 0, 1_050, 10), window("p-1", 1, 1_050, 10), window("p-1", 2, 1_050, 10),
                window("p-1", 3, 2_625, 10)); // 10.50 EUR, then 26.25 EUR

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 26.25, 10.5, 2.5, Severity.HIGH));
    }

    // ------------------------------------------------------------------ views

    @Test
    void raisesViewsAlertWhenViewsSpikeAndRevenueDoesNot() throws Exception {
        start(HALF);

        feed(window("p-1", 0, 10_000, 10), window("p-1", 1, 10_000, 10), window("p-1", 2, 10_000, 10),
                window("p-1", 3, 10_000, 25));

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.VIEWS, 25.0, 10.0, 2.5, Severity.HIGH));
    }

    @Test
    void raisesOneAlertPerMetricRevenueFirst() throws Exception {
        start(HALF);

        feed(window("p-1", 0, 10_000, 10), window("p-1", 1, 10_000, 10), window("p-1", 2, 10_000, 10),
                window("p-1", 3, 16_000, 20));

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 160.0, 100.0, 1.6, Severity.MEDIUM),
                alert("p-1", 3, TrendMetric.VIEWS, 20.0, 10.0, 2.0, Severity.HIGH));
    }

    // ------------------------------------------------------------------ zero baseline

    @Test
    void neverAlertsAgainstAZeroBaseline() throws Exception {
        start(HALF);

        feed(window("p-1", 0, 0, 0), window("p-1", 1, 0, 0), window("p-1", 2, 0, 0),
                window("p-1", 3, 100_000, 500));

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void judgesViewsEvenWhenTheRevenueBaselineIsZero() throws Exception {
        start(HALF);

        feed(window("p-1", 0, 0, 10), window("p-1", 1, 0, 10), window("p-1", 2, 0, 10),
                window("p-1", 3, 5_000, 15));

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.VIEWS, 15.0, 10.0, 1.5, Severity.MEDIUM));
    }

    // ------------------------------------------------------------------ re-fired windows

    @Test
    void aReFiredWindowNeitherAlertsAgainNorMovesTheBaseline() throws Exception {
        start(HALF);
        feedRevenues("p-1", 100, 100, 100, 250);
        TrendBaseline before = baselineOf("p-1");
        int windowsSeen = before.windowsSeen;
        double revenueEma = before.revenueEma;
        double viewsEma = before.viewsEma;

        feed(window("p-1", 3, 30_000, 40)); // a late event refines window 3

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 250.0, 100.0, 2.5, Severity.HIGH));
        TrendBaseline after = baselineOf("p-1");
        assertThat(after.windowsSeen).isEqualTo(windowsSeen).isEqualTo(4);
        assertThat(after.revenueEma).isEqualTo(revenueEma).isEqualTo(175.0);
        assertThat(after.viewsEma).isEqualTo(viewsEma).isEqualTo(10.0);
        assertThat(after.lastWindowEnd).isEqualTo(4 * WINDOW);
    }

    @Test
    void theWindowAfterAReFiredOneIsJudgedAgainstTheUnchangedBaseline() throws Exception {
        start(HALF);
        feedRevenues("p-1", 100, 100, 100, 250);

        feed(window("p-1", 3, 1_000_000, 10)); // refinement of window 3: ignored
        feed(window("p-1", 4, 35_000, 10)); // 350 / 175

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 250.0, 100.0, 2.5, Severity.HIGH),
                alert("p-1", 4, TrendMetric.REVENUE, 350.0, 175.0, 2.0, Severity.HIGH));
    }

    @Test
    void aReFiringOfAnOlderWindowIsIgnoredToo() throws Exception {
        start(HALF);
        feedRevenues("p-1", 100, 100, 100, 100);

        feed(window("p-1", 1, 1_000_000, 1_000)); // window 1 refined after window 3 fired

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(baselineOf("p-1").windowsSeen).isEqualTo(4);
        assertThat(baselineOf("p-1").revenueEma).isEqualTo(100.0);
    }

    // ------------------------------------------------------------------ state per product

    @Test
    void keepsAnIndependentBaselinePerProduct() throws Exception {
        start(HALF);

        feedRevenues("p-1", 100, 100, 100);
        feed(window("p-2", 3, 50_000, 10)); // p-2's first window: still warming up
        feed(window("p-1", 3, 25_000, 10));

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 3, TrendMetric.REVENUE, 250.0, 100.0, 2.5, Severity.HIGH));
        assertThat(baselineOf("p-2").windowsSeen).isEqualTo(1);
        assertThat(baselineOf("p-2").revenueEma).isEqualTo(500.0);
        assertThat(baselineOf("p-1").windowsSeen).isEqualTo(4);
        assertThat(baselineOf("p-1").revenueEma).isEqualTo(175.0);
        try (var keys = harness.getOperator().<String>getKeyedStateBackend()
                .getKeys(TrendDetector.STATE_NAME, VoidNamespace.INSTANCE)) {
            assertThat(keys).containsExactlyInAnyOrder("p-1", "p-2");
        }
    }

    @Test
    void theFirstWindowOfAProductSeedsItsBaselineWithItsOwnValues() throws Exception {
        start(HALF);

        feed(window("p-1", 0, 12_345, 7));

        TrendBaseline baseline = baselineOf("p-1");
        assertThat(baseline.windowsSeen).isEqualTo(1);
        assertThat(baseline.revenueEma).isEqualTo(123.45);
        assertThat(baseline.viewsEma).isEqualTo(7.0);
        assertThat(baseline.lastWindowEnd).isEqualTo(WINDOW);
    }

    @Test
    void storesTheWindowCountAndBothAveragesInTheBaselineState() throws Exception {
        start(HALF);

        feed(window("p-1", 0, 10_000, 10), window("p-1", 1, 20_000, 30), window("p-1", 2, 10_000, 10));

        TrendBaseline baseline = baselineOf("p-1");
        assertThat(baseline.windowsSeen).isEqualTo(3);
        assertThat(baseline.revenueEma).isEqualTo(125.0); // 100 -> 150 -> 125
        assertThat(baseline.viewsEma).isEqualTo(15.0); // 10 -> 20 -> 15
        assertThat(baseline.lastWindowEnd).isEqualTo(3 * WINDOW);
        assertThat(baselineOf("p-unknown")).isNull();
    }

    @Test
    void keepsItsBaselinesAcrossSnapshotAndRestore() throws Exception {
        start(HALF);
        feedRevenues("p-1", 100, 100, 100, 250); // EMA 175
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness(HALF);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        feed(window("p-1", 3, 99_900, 10)); // re-fired window 3: still ignored after restore
        feed(window("p-1", 4, 35_000, 10));

        assertThat(harness.extractOutputValues()).containsExactly(
                alert("p-1", 4, TrendMetric.REVENUE, 350.0, 175.0, 2.0, Severity.HIGH));
        assertThat(baselineOf("p-1").windowsSeen).isEqualTo(5);
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void countsAlertsPerSeverity() throws Exception {
        start(HALF);

        feed(window("p-1", 0, 10_000, 10), window("p-1", 1, 10_000, 10), window("p-1", 2, 10_000, 10),
                window("p-1", 3, 16_000, 20)); // REVENUE MEDIUM, VIEWS HIGH
        feedRevenues("p-2", 100, 100, 100, 300); // REVENUE HIGH

        assertThat(metrics.counter(PipelineMetrics.ALERTS, PipelineMetrics.SEVERITY_LABEL, "MEDIUM")).isEqualTo(1);
        assertThat(metrics.counter(PipelineMetrics.ALERTS, PipelineMetrics.SEVERITY_LABEL, "HIGH")).isEqualTo(2);
    }
}
