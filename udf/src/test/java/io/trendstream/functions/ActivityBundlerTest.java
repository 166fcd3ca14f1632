package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ProductActivity;
import io.trendstream.testing.Events;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.trendstream.testing.Events.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bundler collects activity per product and window in the source task and sends it on before
 * anything that could change how the window operator treats it: a watermark that reaches the end of a
 * window it holds, its source going idle, a checkpoint barrier, the end of input; and when it is full.
 */
class ActivityBundlerTest {

    private static final WindowSettings WINDOWS = new WindowSettings(
            Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(1));
    private static final long W0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    private static final long W1 = W0 + 60_000;
    private static final int MAX = 5;

    private OneInputStreamOperatorTestHarness<ProductActivity, ActivityBundle> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(ActivityBundler.ofActivities(WINDOWS, MAX));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ProductActivity order(String id, String product, long time) {
        return ProductActivity.order(id, product, "u-1", time, 1, 100);
    }

    private static ProductActivity view(String id, String product, long time) {
        return ProductActivity.view(id, product, "u-1", time);
    }

    private void process(ProductActivity... activities) throws Exception {
        for (ProductActivity a : activities) {
            harness.processElement(a, a.eventTime());
        }
    }

    /** What left the operator, bundles and watermarks, in order. */
    private List<Object> output() {
        List<Object> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            out.add(o instanceof StreamRecord<?> r ? r.getValue() : o);
        }
        return out;
    }

    @Test
    void holdsActivityAcrossWatermarksThatReachNoneOfItsWindowsEnds() throws Exception {
        process(order("o-1", "p-1", W0 + 1_000), view("v-1", "p-1", W0 + 2_000));

        harness.processWatermark(W0 + 500);
        harness.processWatermark(W1 - 2);

        assertThat(output()).containsExactly(new Watermark(W0 + 500), new Watermark(W1 - 2));
    }

    @Test
    void sendsActivityBeforeTheWatermarkThatReachesItsWindowsEnd() throws Exception {
        ProductActivity a = order("o-1", "p-1", W0 + 1_000);
        ProductActivity b = view("v-1", "p-1", W0 + 2_000);
        process(a, b);

        harness.processWatermark(W1 - 1); // the window's last millisecond: the window operator fires it

        assertThat(output()).containsExactly(
                new ActivityBundle("p-1", W0, new ProductActivity[] {a, b}), new Watermark(W1 - 1));
    }

    @Test
    void sendsOnlyTheWindowsAWatermarkEndsAndKeepsFillingTheLaterOnes() throws Exception {
        ProductActivity early = order("o-1", "p-1", W0 + 1_000);
        ProductActivity later = order("o-2", "p-2", W1 + 1_000);
        ProductActivity laterOfTheSameProduct = view("v-1", "p-1", W1 + 1_500);
        process(later, early, laterOfTheSameProduct);

        harness.processWatermark(W1 - 1);
        ProductActivity stillLater = view("v-2", "p-2", W1 + 2_000);
        process(stillLater);
        harness.processWatermark(W1 + 60_000 - 1);

        assertThat(output()).containsExactly(
                new ActivityBundle("p-1", W0, new ProductActivity[] {early}),
                new Watermark(W1 - 1),
                // one bundle each for the later window, its activity from both sides of the first watermark
                new ActivityBundle("p-2", W1, new ProductActivity[] {later, stillLater}),
                new ActivityBundle("p-1", W1, new ProductActivity[] {laterOfTheSameProduct}),
                new Watermark(W1 + 60_000 - 1));
    }

    @Test
    void aBundleOpenedAfterASendHoldsOnlyItsOwnActivityAndTime() throws Exception {
        process(order("o-1", "p-1", W0 + 59_000), view("v-1", "p-1", W0 + 59_500));
        harness.processWatermark(W1 - 1); // sent: the next bundle reuses its buffer
        ProductActivity next = view("v-2", "p-2", W1 + 1_000);
        process(next);

        harness.processWatermark(W1 + 60_000 - 1);

        assertThat(harness.extractOutputStreamRecords()).last().satisfies(r -> {
            assertThat(r.getValue()).isEqualTo(new ActivityBundle("p-2", W1, new ProductActivity[] {next}));
            assertThat(r.getTimestamp()).isEqualTo(W1 + 1_000);
        });
    }

    @Test
    void sendsALateActivityBeforeTheNextWatermark() throws Exception {
        harness.processWatermark(W1 + 5_000); // W0 has fired; within its allowed lateness a late event re-fires it
        ProductActivity late = order("o-1", "p-1", W0 + 1_000);
        process(late);

        harness.processWatermark(W1 + 5_001);

        assertThat(output()).containsExactly(new Watermark(W1 + 5_000),
                new ActivityBundle("p-1", W0, new ProductActivity[] {late}), new Watermark(W1 + 5_001));
    }

    @Test
    void bundlesPerProductAndWindow() throws Exception {
        ProductActivity p1w0 = order("o-1", "p-1", W0 + 1_000);
        ProductActivity p2w0 = order("o-2", "p-2", W0 + 2_000);
        ProductActivity p1w1 = view("v-1", "p-1", W1 + 1_000);
        ProductActivity p1w0Again = view("v-2", "p-1", W0 + 59_999);
        process(p1w0, p2w0, p1w1, p1w0Again);

        harness.processWatermark(W1 + 60_000 - 1);

        assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(
                new ActivityBundle("p-1", W0, new ProductActivity[] {p1w0, p1w0Again}),
                new ActivityBundle("p-2", W0, new ProductActivity[] {p2w0}),
                new ActivityBundle("p-1", W1, new ProductActivity[] {p1w1}));
    }

    @Test
    void stampsABundleWithTheLatestEventTimeInIt() throws Exception {
        process(order("o-1", "p-1", W0 + 30_000), order("o-2", "p-1", W0 + 10_000));

        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputStreamRecords()).singleElement()
                .satisfies(r -> assertThat(r.getTimestamp()).isEqualTo(W0 + 30_000));
    }

    @Test
    void sendsEverythingBeforeACheckpointBarrierSoThatNothingNeedsState() throws Exception {
        ProductActivity a = order("o-1", "p-1", W0 + 1_000);
        process(a);

        harness.prepareSnapshotPreBarrier(1L);

        assertThat(harness.extractOutputValues()).containsExactly(new ActivityBundle("p-1", W0, new ProductActivity[] {a}));
        assertThat(harness.snapshot(1L, 1L).getManagedOperatorState()).isEmpty();
    }

    @Test
    void sendsWhenItHoldsTheMaximumNumberOfActivities() throws Exception {
        for (int i = 0; i < MAX - 1; i++) {
            process(order("o-" + i, "p-" + (i % 2), W0 + i));
        }
        assertThat(harness.getOutput()).isEmpty();

        process(order("o-last", "p-0", W0 + 100));

        List<ActivityBundle> sent = harness.extractOutputValues();
        assertThat(sent).hasSize(2);
        assertThat(sent.stream().mapToInt(b -> b.activities().length).sum()).isEqualTo(MAX);
    }

    @Test
    void sendsWhatItHoldsAtTheEndOfInput() throws Exception {
        ProductActivity a = view("v-1", "p-1", W0 + 1_000);
        process(a);

        harness.endInput();
        harness.getOneInputOperator().finish();

        assertThat(harness.extractOutputValues()).containsExactly(new ActivityBundle("p-1", W0, new ProductActivity[] {a}));
    }

    @Test
    void sendsWhatItHoldsBeforeItsSourceIsMarkedIdle() throws Exception {
        // Downstream, an idle input stops holding the watermark back: its activity must arrive before that.
        ProductActivity a = order("o-1", "p-1", W0 + 1_000);
        process(a);

        harness.processWatermarkStatus(WatermarkStatus.IDLE);

        assertThat(output()).containsExactly(new ActivityBundle("p-1", W0, new ProductActivity[] {a}), WatermarkStatus.IDLE);
    }

    @Test
    void sendsNothingForAWatermarkWhenItHoldsNothing() throws Exception {
        harness.processWatermark(W0);
        harness.processWatermark(W1);

        assertThat(output()).containsExactly(new Watermark(W0), new Watermark(W1));
    }

    @Test
    void encodesEachProductOfAnOrderIntoThatProductsBundle() throws Exception {
        OneInputStreamOperatorTestHarness<OrderEvent, ActivityBundle> orders =
                new OneInputStreamOperatorTestHarness<>(new ActivityBundler<>(new OrderToActivities(), WINDOWS, MAX));
        orders.open();
        OrderEvent order = Events.order("o-1", line("p-1", 2, "1.50"), line("p-2", 1, "3.00"), line("p-1", 1, "1.50"))
                .setEventTime(Instant.ofEpochMilli(W0 + 1_000)).build();

        orders.processElement(order, W0 + 1_000);
        orders.prepareSnapshotPreBarrier(1L);

        assertThat(orders.extractOutputValues()).containsExactly(
                new ActivityBundle("p-1", W0, new ProductActivity[] {ProductActivity.order("o-1", "p-1", "user-1", W0 + 1_000, 3, 450)}),
                new ActivityBundle("p-2", W0, new ProductActivity[] {ProductActivity.order("o-1", "p-2", "user-1", W0 + 1_000, 1, 300)}));
        orders.close();
    }

    @Test
    void sendsAProductsBundleOnceItsEncodingReachesTheByteLimitAndGoesOnInANewOne() throws Exception {
        OneInputStreamOperatorTestHarness<ProductActivity, ActivityBundle> large =
                new OneInputStreamOperatorTestHarness<>(ActivityBundler.ofActivities(WINDOWS, 1_000_000));
        large.open();
        // One product with all the traffic (the skewed heap check), beside a quiet one.
        List<ProductActivity> hot = new ArrayList<>();
        for (int i = 0; hot.size() * 40 < 3 * ActivityBundler.MAX_BUNDLE_BYTES; i++) {
            hot.add(view("view-with-an-id-of-some-length-" + i, "p-hot", W0 + i % 59_000));
        }
        ProductActivity quiet = order("o-1", "p-quiet", W0 + 1_000);
        large.processElement(quiet, quiet.eventTime());
        for (ProductActivity a : hot) {
            large.processElement(a, a.eventTime());
        }
        int sentBeforeTheWatermark = large.extractOutputValues().size();

        large.processWatermark(W1 - 1);

        List<ActivityBundle> hotBundles = large.extractOutputValues().stream()
                .filter(b -> b.productId().equals("p-hot")).toList();
        assertThat(sentBeforeTheWatermark).isEqualTo(hotBundles.size() - 1); // the last part waits for its window's end
        assertThat(hotBundles).hasSizeGreaterThanOrEqualTo(3);
        assertThat(hotBundles.subList(0, hotBundles.size() - 1)).allSatisfy(b -> assertThat(b.encodedBytes())
                .isBetween(ActivityBundler.MAX_BUNDLE_BYTES, ActivityBundler.MAX_BUNDLE_BYTES + 100));
        assertThat(hotBundles.stream().flatMap(b -> Arrays.stream(b.activities())).toList()).containsExactlyElementsOf(hot);
        assertThat(large.extractOutputValues()).contains(new ActivityBundle("p-quiet", W0, new ProductActivity[] {quiet}));
        large.close();
    }

    @Test
    void refusesAMaximumBelowOne() {
        assertThatThrownBy(() -> ActivityBundler.ofActivities(WINDOWS, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxActivities");
    }
}
