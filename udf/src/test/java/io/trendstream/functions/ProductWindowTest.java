package io.trendstream.functions;

import io.trendstream.config.WindowMemory;
import io.trendstream.config.WindowSettings;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityBundleSerializer;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.LateEvent;
import io.trendstream.records.ProductActivity;
import io.trendstream.records.WindowAggregate;
import io.trendstream.testing.CapturedMetrics;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

/**
 * The per-product window stage as the job runs it: keyed by productId, {@link ProductWindowOperator} with tumbling
 * event-time windows of the configured size, the allowed lateness and late data to a side output, which goes
 * through {@link LateEventRecorder}. Also how its state stays bounded by the distinct events, and how savepoints of
 * the versions before it restore.
 */
class ProductWindowTest {

    private static final WindowSettings SETTINGS = new WindowSettings(
            Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(1));
    private static final OutputTag<ActivityBundle> LATE = new OutputTag<>("late-activity") {};

    /** Start of a window: a whole minute. */
    protected static final long W0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    protected static final long W1 = W0 + 60_000;
    private static final long W2 = W1 + 60_000;
    /** Last watermark at which an event of window W0 is still counted: W0's max timestamp + lateness - 1. */
    protected static final long LAST_WATERMARK_ACCEPTING_W0 = W1 - 1 + 10_000 - 1;

    protected KeyedOneInputStreamOperatorTestHarness<String, ActivityBundle, WindowAggregate> harness;

    /** The job's window stage as an operator. */
    static OneInputStreamOperator<ActivityBundle, WindowAggregate> windowStage(WindowSettings settings,
            OutputTag<ActivityBundle> lateTag) {
        return new ProductWindowOperator(settings, lateTag);
    }

    /** The state backend the operator runs on; heap state here. */
    protected StateBackend stateBackend() {
        return new HashMapStateBackend();
    }

    /** The metrics of the current harness. */
    protected CapturedMetrics windowMetrics;

    private KeyedOneInputStreamOperatorTestHarness<String, ActivityBundle, WindowAggregate> newHarness() throws Exception {
        return newHarness(windowStage(memory(foldAfter(), DEFAULT_MEMORY.heldActivities(), DEFAULT_MEMORY.heldWindows())));
    }

    /** How many activities a window holds as bundles before it folds them into per-event state; the job's here. */
    protected int foldAfter() {
        return DEFAULT_MEMORY.foldAfter();
    }

    private static final WindowMemory DEFAULT_MEMORY = WindowMemory.defaults();

    /** The job's memory bounds but for those of the window operator, in {@link WindowMemory}'s order. */
    private static WindowMemory memory(int foldAfter, long heldActivities, int heldWindows) {
        return new WindowMemory(DEFAULT_MEMORY.bundleSize(), foldAfter, heldActivities, heldWindows);
    }

    private static ProductWindowOperator windowStage(WindowMemory memory) {
        return new ProductWindowOperator(SETTINGS, memory, LATE);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ActivityBundle, WindowAggregate> newHarness(
            OneInputStreamOperator<ActivityBundle, WindowAggregate> stage) throws Exception {
        windowMetrics = new CapturedMetrics();
        KeyedOneInputStreamOperatorTestHarness<String, ActivityBundle, WindowAggregate> h =
                new KeyedOneInputStreamOperatorTestHarness<>(stage, ActivityBundle::productId,
                        Types.STRING, windowMetrics.environment());
        h.setStateBackend(stateBackend());
        return h;
    }

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    protected void process(ProductActivity... activities) throws Exception {
        for (ProductActivity activity : activities) {
            // As the bundler sends it when the watermark or a checkpoint comes right after this event.
            harness.processElement(ActivityBundle.of(activity, SETTINGS.windowStart(activity.eventTime())), activity.eventTime());
        }
    }

    protected static ProductActivity order(String eventId, String product, String user, long time, int units, long cents) {
        return ProductActivity.order(eventId, product, user, time, units, cents);
    }

    private static ProductActivity view(String eventId, String product, String user, long time) {
        return ProductActivity.view(eventId, product, user, time);
    }

    private List<ProductActivity> lateOutput() {
        Queue<StreamRecord<ActivityBundle>> side = harness.getSideOutput(LATE);
        List<ProductActivity> late = new ArrayList<>();
        if (side != null) {
            side.forEach(r -> late.addAll(List.of(r.getValue().activities())));
        }
        return late;
    }

    // ------------------------------------------------------------------ each event once

    @Test
    void countsARetriedEventOnceInItsWindow() throws Exception {
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000);
        ProductActivity view = view("v-1", "p-1", "u-2", W0 + 2_000);
        process(order, view, order, view, order);

        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactly(
                new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 2, 1));
    }

    @Test
    void countsAnOrderOnEachOfItsProductsOnceWhenItIsRetried() throws Exception {
        // The activities of one order of two products, delivered twice.
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100), order("o-1", "p-2", "u-1", W0 + 1_000, 3, 900),
                order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100), order("o-1", "p-2", "u-1", W0 + 1_000, 3, 900));

        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(
                new WindowAggregate("p-1", W0, W1, 1, 1, 100, 1, 0),
                new WindowAggregate("p-2", W0, W1, 1, 3, 900, 1, 0));
    }

    @Test
    void aRetryWithinTheAllowedLatenessReFiresTheWindowWithUnchangedTotals() throws Exception {
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000);
        process(order);
        harness.processWatermark(W1 - 1);

        process(order);

        WindowAggregate once = new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 1, 0);
        assertThat(harness.extractOutputValues()).containsExactly(once, once);
    }

    @Test
    void aRetryAfterTheAllowedLatenessIsLateAndChangesNothing() throws Exception {
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000);
        process(order);
        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);

        process(order);

        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 1, 0));
        assertThat(lateOutput()).containsExactly(order);
    }

    @Test
    void countsEachDroppedDuplicateOncePerSourceAcrossReFirings() throws Exception {
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100);
        ProductActivity view = view("v-1", "p-1", "u-1", W0 + 2_000);
        process(order, order, view);
        harness.processWatermark(W1 - 1);
        process(view); // late retry within the lateness: re-fires

        process(order("o-2", "p-1", "u-2", W0 + 3_000, 1, 100)); // re-fires again, no new duplicate

        assertThat(harness.extractOutputValues()).hasSize(3);
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isEqualTo(1);
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "views"))
                .isEqualTo(1);
    }

    @Test
    void countsEveryActivityOfABundleAndARetryOnceAcrossBundles() throws Exception {
        ProductActivity o1 = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000);
        ProductActivity o2 = order("o-2", "p-1", "u-2", W0 + 2_000, 1, 500);
        ProductActivity v1 = view("v-1", "p-1", "u-3", W0 + 3_000);
        harness.processElement(new ActivityBundle("p-1", W0, new ProductActivity[] {o1, o2, v1}), W0 + 3_000);
        harness.processElement(new ActivityBundle("p-1", W0, new ProductActivity[] {o2, v1}), W0 + 3_000); // retries

        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 2, 3, 2_500, 3, 1));
    }

    @Test
    void countsAnOrderAndAViewWithTheSameEventIdAsTwoEvents() throws Exception {
        // Ids are unique per kind of event: orders and views come from different producers and topics.
        process(order("e-1", "p-1", "u-1", W0 + 1_000, 2, 2_000), view("e-1", "p-1", "u-2", W0 + 2_000));

        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 2, 1));
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders")).isZero();
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "views")).isZero();
    }

    @Test
    void countsTheSameEventIdInAnotherWindowAsAnotherEvent() throws Exception {
        // Event ids are unique per event; the window is what deduplication is scoped to.
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100), order("o-1", "p-1", "u-1", W1 + 1_000, 1, 100));

        harness.processWatermark(W2 - 1);

        assertThat(harness.extractOutputValues()).containsExactly(
                new WindowAggregate("p-1", W0, W1, 1, 1, 100, 1, 0),
                new WindowAggregate("p-1", W1, W2, 1, 1, 100, 1, 0));
    }

    // ------------------------------------------------------------------ totals

    @Test
    void sumsEachProductsWindowWhenTheWatermarkPassesItsEnd() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 2, 3_998),
                order("o-2", "p-1", "u-2", W0 + 2_000, 1, 1_999),
                view("v-1", "p-1", "u-1", W0 + 3_000),
                view("v-2", "p-1", "u-3", W0 + 4_000),
                view("v-3", "p-1", "u-3", W0 + 59_999),
                view("v-4", "p-2", "u-4", W0 + 5_000),
                order("o-3", "p-1", "u-1", W1, 5, 500)); // next window

        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(
                new WindowAggregate("p-1", W0, W1, 2, 3, 5_997, 3, 3),
                new WindowAggregate("p-2", W0, W1, 0, 0, 0, 1, 1));
    }

    @Test
    void firesNothingBeforeTheWatermarkReachesTheWindowsLastMillisecond() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100));

        harness.processWatermark(W1 - 2);

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void firesEachWindowOnceWithItsOwnTotals() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100),
                order("o-2", "p-1", "u-2", W1 + 1_000, 4, 800),
                view("v-1", "p-1", "u-2", W1 + 2_000));

        harness.processWatermark(W1 - 1);
        harness.processWatermark(W2 - 1);
        harness.processWatermark(W2 + 60_000);

        assertThat(harness.extractOutputValues()).containsExactly(
                new WindowAggregate("p-1", W0, W1, 1, 1, 100, 1, 0),
                new WindowAggregate("p-1", W1, W2, 1, 4, 800, 1, 1));
    }

    @Test
    void derivesAverageOrderValueAndConversionFromTheWindowTotals() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 1_000),
                order("o-2", "p-1", "u-2", W0 + 2_000, 1, 1_000),
                order("o-3", "p-1", "u-3", W0 + 3_000, 1, 1_035),
                view("v-1", "p-1", "u-1", W0 + 4_000),
                view("v-2", "p-1", "u-2", W0 + 4_000),
                view("v-3", "p-1", "u-3", W0 + 4_000),
                view("v-4", "p-1", "u-4", W0 + 4_000));

        harness.processWatermark(W1 - 1);

        WindowAggregate window = harness.extractOutputValues().get(0);
        assertThat(window.revenue()).isEqualTo(new BigDecimal("30.35"));
        assertThat(window.averageOrderValue()).isEqualTo(new BigDecimal("10.12")); // 10.11666.. rounds up
        assertThat(window.conversion()).isEqualTo(0.75);
        assertThat(window.distinctUsers()).isEqualTo(4);
    }

    @Test
    void roundsTheAverageOrderValueHalfToEven() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 10),
                order("o-2", "p-1", "u-2", W0 + 2_000, 1, 15)); // 0.25 / 2 = 0.125
        harness.processWatermark(W1 - 1);

        WindowAggregate window = harness.extractOutputValues().get(0);
        assertThat(window.averageOrderValue()).isEqualTo(new BigDecimal("0.12"));
        assertThat(window.conversion()).isNull(); // no views
    }

    @Test
    void keepsOpenWindowsAcrossSnapshotAndRestore() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000));

        restartFrom(harness.snapshot(1L, 1L));
        process(order("o-2", "p-1", "u-2", W0 + 2_000, 1, 1_000));
        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 2, 3, 3_000, 2, 0));
    }

    @Test
    void keepsAWindowWhoseBundlesTakeSeveralStateWritesAcrossSnapshotAndRestore() throws Exception {
        List<ProductActivity> distinct = distinctActivitiesOfOneProduct(8_000); // some 200 KB: written in parts
        processInBundles(distinct, 1);

        restartFrom(harness.snapshot(1L, 1L));
        processInBundles(distinct.subList(0, 1_000), 1); // retries of activities in state
        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactly(totalsOf(distinct));
    }

    /** Bundles as Flink POJOs (before their serializer), and in that serializer's first format (before 2026-12-01). */
    static Stream<Arguments> earlierBundleFormats() throws Exception {
        return Stream.of(Arguments.of("Flink POJOs", bundlesAsFlinkPojos()),
                Arguments.of("the serializer's first format", bundlesInTheFirstFormat()));
    }

    @ParameterizedTest(name = "bundles saved as {0}")
    @MethodSource("earlierBundleFormats")
    void restoresOpenWindowsSavedWithBundlesOfAnEarlierFormat(String format, TypeInformation<ActivityBundle> savedAs)
            throws Exception {
        harness.close();
        harness = newHarness(BundleListWindowFunction.windowStage(SETTINGS, LATE, savedAs));
        harness.open();
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000), view("v-1", "p-1", "u-2", W0 + 1_500));

        restartFrom(harness.snapshot(1L, 1L));
        process(order("o-2", "p-1", "u-2", W0 + 2_000, 1, 1_000), view("v-1", "p-1", "u-2", W0 + 1_500)); // a retry
        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 2, 3, 3_000, 2, 1));
    }

    @Test
    void restoresOpenWindowsSavedWhileWindowsKeptEveryBundle() throws Exception {
        harness.close();
        harness = newHarness(BundleListWindowFunction.windowStage(SETTINGS, LATE, TypeInformation.of(ActivityBundle.class)));
        harness.open();
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000);
        ProductActivity view = view("v-1", "p-1", "u-2", W0 + 1_500);
        process(order, order, view, order("o-2", "p-2", "u-3", W1 + 1_000, 1, 100));
        harness.processWatermark(W1 - 1); // W0 fired once, with its retry reported, and accepts late events
        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 2, 1));

        restartFrom(harness.snapshot(1L, 1L));
        harness.processWatermark(W1 - 1); // as the durable watermark forwards it after a restore
        process(view); // a late retry re-fires W0 with unchanged totals
        process(order("o-3", "p-1", "u-4", W0 + 2_000, 1, 500)); // a late event re-fires W0 with complete totals
        harness.processWatermark(W2 - 1); // W1 fires by the timer saved with it; W0 is closed for good

        assertThat(harness.extractOutputValues()).containsExactly(
                new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 2, 1),
                new WindowAggregate("p-1", W0, W1, 2, 3, 2_500, 3, 1),
                new WindowAggregate("p-2", W1, W2, 1, 1, 100, 1, 0));
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .as("reported before the savepoint").isZero();
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "views"))
                .isOne();
        harness.processWatermark(W2 - 1 + 10_000);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    /** Closes the operator and starts the job's window stage anew from {@code snapshot}, as after a restore. */
    private void restartFrom(OperatorSubtaskState snapshot) throws Exception {
        harness.close();
        harness = newHarness();
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
    }

    /**
     * Bundles as versions before format 2 saved them: the serializer that {@link ActivityBundleSerializer.Snapshot}
     * restores from their snapshot (version 3, nothing of its own).
     */
    private static TypeInformation<ActivityBundle> bundlesInTheFirstFormat() throws IOException {
        ActivityBundleSerializer.Snapshot saved = new ActivityBundleSerializer.Snapshot();
        saved.readSnapshot(3, new DataInputDeserializer(new byte[0]), ProductWindowTest.class.getClassLoader());
        TypeSerializer<ActivityBundle> firstFormat = saved.restoreSerializer();
        return new TypeInformation<>() {
            @Override public boolean isBasicType() { return false; }
            @Override public boolean isTupleType() { return false; }
            @Override public int getArity() { return 1; }
            @Override public int getTotalFields() { return 1; }
            @Override public Class<ActivityBundle> getTypeClass() { return ActivityBundle.class; }
            @Override public boolean isKeyType() { return false; }
            @Override public TypeSerializer<ActivityBundle> createSerializer(SerializerConfig config) { return firstFormat; }
            @Override public String toString() { return "ActivityBundle (format 1)"; }
            @Override public boolean equals(Object o) { return o == this; }
            @Override public int hashCode() { return System.identityHashCode(this); }
            @Override public boolean canEqual(Object o) { return o == this; }
        };
    }

    /** How Flink typed {@link ActivityBundle} before it had its own serializer: a POJO with an array of POJOs. */
    private static TypeInformation<ActivityBundle> bundlesAsFlinkPojos() throws NoSuchFieldException {
        return new PojoTypeInfo<>(ActivityBundle.class, List.of(
                new PojoField(ActivityBundle.class.getDeclaredField("productId"), Types.STRING),
                new PojoField(ActivityBundle.class.getDeclaredField("windowStart"), Types.LONG),
                new PojoField(ActivityBundle.class.getDeclaredField("activities"),
                        Types.OBJECT_ARRAY(TypeInformation.of(ProductActivity.class)))));
    }

    // ------------------------------------------------------------------ state bounded by the distinct events

    @Test
    void retriesDoNotGrowAWindowsState() throws Exception {
        startFoldingEveryBundle();
        List<ProductActivity> events = distinctActivitiesOfOneProduct(2_000);
        processInBundles(events, 1);
        long once = stateBytes();

        startFoldingEveryBundle();
        processInBundles(events, 10);

        assertThat(stateBytes()).isEqualTo(once);
        harness.processWatermark(W1 - 1);
        assertThat(harness.extractOutputValues()).containsExactly(totalsOf(events));
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isEqualTo(9 * 1_000);
    }

    @Test
    void retriesInBundlesOfAnySizeGrowAWindowsStateToAtMostTwiceItsDistinctEvents() throws Exception {
        startFoldingEveryBundle();
        List<ProductActivity> events = distinctActivitiesOfOneProduct(2_000);
        processInBundles(events, 1);
        long once = stateBytes();

        Random random = new Random(42);
        for (int bundle = 0; bundle < 200; bundle++) { // 20,000 retries, each of a random event
            ProductActivity[] retries = new ProductActivity[1 + random.nextInt(199)];
            Arrays.setAll(retries, i -> events.get(random.nextInt(events.size())));
            harness.processElement(new ActivityBundle("p-1", W0, retries), W0 + 59_999);
        }

        assertThat(stateBytes()).isBetween(once, 2 * once);
        harness.processWatermark(W1 - 1);
        assertThat(harness.extractOutputValues()).containsExactly(totalsOf(events));
    }

    @Test
    void aWindowsStateIsProportionalToItsDistinctEventsNotToItsActivity() throws Exception {
        startFoldingEveryBundle();
        long empty = stateBytes();
        List<ProductActivity> some = distinctActivitiesOfOneProduct(2_000);
        processInBundles(some, 10); // 20,000 activities
        long forSome = stateBytes() - empty;

        startFoldingEveryBundle();
        List<ProductActivity> twiceAsMany = distinctActivitiesOfOneProduct(4_000);
        processInBundles(twiceAsMany, 5); // 20,000 activities
        long forTwiceAsMany = stateBytes() - empty;

        // Not exactly twice: the window's timers and counts are there once either way.
        assertThat((double) forTwiceAsMany / forSome).isCloseTo(2.0, withinPercentage(1));
        harness.processWatermark(W1 - 1);
        assertThat(harness.extractOutputValues()).containsExactly(totalsOf(twiceAsMany));
    }

    @Test
    void aWindowThatFoldedBeforeASnapshotDropsAllItsStateAfterTheRestore() throws Exception {
        startFoldingEveryBundle();
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100), view("v-1", "p-1", "u-2", W0 + 2_000));

        restartFrom(harness.snapshot(1L, 1L));
        harness.processWatermark(W1 - 1);
        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 1, 100, 2, 1));

        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);
        assertThat(keysWithStateIn(W0, W1)).isEmpty();
    }

    @Test
    void aFoldedWindowFiresAndReFiresWithoutWritingWhatItHoldsAsARun() throws Exception {
        harness.close();
        harness = newHarness(windowStage(memory(1_000, DEFAULT_MEMORY.heldActivities(), DEFAULT_MEMORY.heldWindows())));
        harness.open();
        List<ProductActivity> events = distinctActivitiesOfOneProduct(2_000);
        processInBundles(events, 1); // the third bundle of 500 folds the first 1,500; the fourth is held
        List<Long> blocks = blocksOfW0();

        harness.processWatermark(W1 - 1);
        assertThat(harness.extractOutputValues()).containsExactly(totalsOf(events));

        ProductActivity lateView = view("v-late", "p-1", "u-late", W0 + 3_000);
        process(events.get(0), events.get(1_999), lateView); // retries of a folded order and a held view
        assertThat(harness.extractOutputValues()).last().isEqualTo(totalsOf(
                Stream.concat(events.stream(), Stream.of(lateView)).toList()));
        assertThat(blocksOfW0()).as("the firings merged the held activity with the runs, wrote none").isEqualTo(blocks);
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isOne();
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "views"))
                .isOne();
    }

    private List<Long> blocksOfW0() throws Exception {
        List<Long> blocks = new ArrayList<>();
        stateOfW0(FoldedRuns.DESCRIPTOR).keys().forEach(blocks::add);
        return blocks;
    }

    @Test
    void countsEachEventOnceWhenTheHeapHoldsTheCountsOfFewerWindowsThanAreOpen() throws Exception {
        harness.close();
        harness = newHarness(windowStage(memory(0, 1, 1))); // folds every bundle; holds one window
        harness.open();
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 200);
        process(order, order("o-2", "p-2", "u-1", W0 + 1_000, 1, 100), view("v-1", "p-1", "u-2", W1 + 1_000),
                order); // a retry, after the counts of its window left the heap

        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(
                new WindowAggregate("p-1", W0, W1, 1, 2, 200, 1, 0), new WindowAggregate("p-2", W0, W1, 1, 1, 100, 1, 0));
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isOne();
        harness.processWatermark(W2 - 1 + 10_000);
        assertThat(keysWithStateIn(W0, W1)).isEmpty();
    }

    @Test
    void aWindowThatOpensAndClosesBetweenSnapshotsNeverWritesState() throws Exception {
        harness.close();
        harness = newHarness(windowStage(DEFAULT_MEMORY)); // holds bundles
        harness.open();
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100), view("v-1", "p-1", "u-2", W0 + 2_000));

        harness.processWatermark(W1 - 1);
        assertThat(keysWithStateIn(W0)).isEmpty();
        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);

        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 1, 100, 2, 1));
        assertThat(keysWithStateIn(W0)).isEmpty();
    }

    @Test
    void aWindowWithRetriesThatOpensAndClosesBetweenSnapshotsNeverWritesState() throws Exception {
        harness.close();
        harness = newHarness(windowStage(DEFAULT_MEMORY));
        harness.open();
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100);
        ProductActivity view = view("v-1", "p-1", "u-2", W0 + 2_000);
        process(order, order, view);

        harness.processWatermark(W1 - 1); // fires with a retry to report
        assertThat(keysWithStateIn(W0)).isEmpty();
        process(view, order("o-2", "p-1", "u-3", W0 + 3_000, 1, 100)); // a late retry and a late event: two re-firings
        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);

        assertThat(harness.extractOutputValues()).last().isEqualTo(new WindowAggregate("p-1", W0, W1, 2, 2, 200, 3, 1));
        assertThat(keysWithStateIn(W0)).isEmpty();
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isOne();
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "views"))
                .isOne();
    }

    @Test
    void reportsOnlyNewDuplicatesOfAWindowRestoredFromAVersionThatKeptThemInAStateOfTheirOwn() throws Exception {
        harness.close();
        harness = newHarness(windowStage(DEFAULT_MEMORY)); // holds bundles: that version's counts had no folded runs
        harness.open();
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100);
        ProductActivity view = view("v-1", "p-1", "u-2", W0 + 2_000);
        process(order, order, view);
        harness.processWatermark(W1 - 1); // the on-time firing reports the order's retry
        restartFrom(harness.snapshot(1L, 1L));
        // As that version saved the window: counts of three fields, and the duplicates reported in a state of their own.
        ValueState<long[]> counts = stateOfW0(WindowContents.COUNTS_DESCRIPTOR);
        counts.update(Arrays.copyOf(counts.value(), 3));
        stateOfW0(WindowContents.REPORTED_DUPLICATES_DESCRIPTOR).update(new long[] {1, 0});
        harness.processWatermark(W1 - 1);

        process(order); // a late retry: two order duplicates, one of them reported before the savepoint
        process(view); // and a view's: read from the counts the re-firing before left
        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);

        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isOne();
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "views"))
                .isOne();
        assertThat(harness.extractOutputValues()).last().isEqualTo(new WindowAggregate("p-1", W0, W1, 1, 1, 100, 2, 1));
        assertThat(keysWithStateIn(W0)).as("the old state goes with the window").isEmpty();
    }

    @ParameterizedTest(name = "counts of {0} fields")
    @ValueSource(ints = {3, 5})
    void aWindowRestoredWithThePerEventStateOfAVersionBeforeTheRunsCountsEachEventOnceAndLeavesNothing(int countFields)
            throws Exception {
        ProductActivity first = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 200);
        process(first);
        restartFrom(harness.snapshot(1L, 1L));
        // As those versions saved a window that folded o-1 twice, v-1 and v-2: a state entry per event and user.
        stateOfW0(WindowContents.BUNDLES_DESCRIPTOR).clear();
        stateOfW0(WindowContents.COUNTS_DESCRIPTOR).update(Arrays.copyOf(new long[] {0, 2, 2, 0, 0}, countFields));
        stateOfW0(WindowContents.ORDERS_DESCRIPTOR).put("o-1", new long[] {2, 200});
        stateOfW0(WindowContents.VIEWS_DESCRIPTOR).put("v-1", true);
        stateOfW0(WindowContents.VIEWS_DESCRIPTOR).put("v-2", true);
        stateOfW0(WindowContents.USERS_DESCRIPTOR).put("u-1", true);
        stateOfW0(WindowContents.USERS_DESCRIPTOR).put("u-2", true);

        process(first, order("o-2", "p-1", "u-3", W0 + 2_000, 1, 50), view("v-1", "p-1", "u-2", W0 + 3_000));
        harness.processWatermark(W1 - 1);
        process(view("v-2", "p-1", "u-2", W0 + 4_000)); // a late retry of a folded view: re-fires, totals unchanged
        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);

        WindowAggregate totals = new WindowAggregate("p-1", W0, W1, 2, 3, 250, 3, 2);
        assertThat(harness.extractOutputValues()).containsExactly(totals, totals);
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isEqualTo(2);
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "views"))
                .isEqualTo(2);
        assertThat(keysWithStateIn(W0)).as("the old state goes with the window").isEmpty();
    }

    @Test
    void aWindowRestoredWithMorePerEventStateOfAVersionBeforeTheRunsThanOneRunTakesCountsEachEventOnce() throws Exception {
        int oldViews = 4_500; // with as many users and an order: more than two runs of 4,096 entries
        ProductActivity first = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 200);
        process(first);
        restartFrom(harness.snapshot(1L, 1L));
        stateOfW0(WindowContents.BUNDLES_DESCRIPTOR).clear();
        stateOfW0(WindowContents.COUNTS_DESCRIPTOR).update(new long[] {0, 1, oldViews, 0, 0});
        stateOfW0(WindowContents.ORDERS_DESCRIPTOR).put("o-1", new long[] {2, 200});
        for (int i = 0; i < oldViews; i++) {
            stateOfW0(WindowContents.VIEWS_DESCRIPTOR).put("v-" + i, true);
            stateOfW0(WindowContents.USERS_DESCRIPTOR).put("vu-" + i, true);
        }
        stateOfW0(WindowContents.USERS_DESCRIPTOR).put("u-1", true);

        process(view("v-0", "p-1", "vu-0", W0 + 2_000), view("v-new", "p-1", "vu-new", W0 + 3_000));
        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues())
                .containsExactly(new WindowAggregate("p-1", W0, W1, 1, 2, 200, oldViews + 2, oldViews + 1));
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "views"))
                .isOne();
    }

    /** The keyed state {@code descriptor} of product p-1 in window W0, as the window stage's backend holds it. */
    private <S extends State> S stateOfW0(StateDescriptor<S, ?> descriptor) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey("p-1");
        return backend.getPartitionedState(new TimeWindow(W0, W1), new TimeWindow.Serializer(), descriptor);
    }

    @Test
    void countsEachEventOnceWhenSomeOfAWindowsBundlesLeftTheHeapBeforeASnapshot() throws Exception {
        harness.close();
        harness = newHarness(windowStage(memory(DEFAULT_MEMORY.foldAfter(), 1,
                DEFAULT_MEMORY.heldWindows()))); // writes the held bundles to state whenever there are two
        harness.open();
        ProductActivity order = order("o-1", "p-1", "u-1", W0 + 1_000, 2, 200);
        process(order, view("v-1", "p-1", "u-2", W0 + 2_000),
                order); // a retry, held on the heap, of an order in state

        harness.processWatermark(W1 - 1);

        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 2, 200, 2, 1));
        assertThat(windowMetrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isOne();
        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);
        assertThat(keysWithStateIn(W0)).isEmpty();
    }

    /** The keys with any state of the window stage in the windows starting at {@code windowStarts} (on any backend). */
    protected List<String> keysWithStateIn(long... windowStarts) {
        List<String> states = List.of(WindowContents.BUNDLES, FoldedRuns.STATE, WindowContents.ORDERS,
                WindowContents.VIEWS, WindowContents.USERS, WindowContents.COUNTS, WindowContents.REPORTED_DUPLICATES);
        List<String> keys = new ArrayList<>();
        for (long start : windowStarts) {
            try (Stream<String> inWindow = harness.getOperator().<String>getKeyedStateBackend()
                    .getKeys(states, new TimeWindow(start, start + 60_000))) {
                inWindow.forEach(keys::add);
            }
        }
        return keys;
    }

    /**
     * A window stage whose windows fold every bundle into per-event state at once, so that nothing is held as
     * bundles (the job's windows hold up to {@link WindowMemory#foldAfter} activities so, a bounded amount).
     */
    private void startFoldingEveryBundle() throws Exception {
        harness.close();
        harness = newHarness(windowStage(memory(0, DEFAULT_MEMORY.heldActivities(), DEFAULT_MEMORY.heldWindows())));
        harness.open();
    }

    /** Half orders, half views of product p-1 in window W0, each with its own id; a quarter as many users. */
    private static List<ProductActivity> distinctActivitiesOfOneProduct(int count) {
        List<ProductActivity> activities = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = String.format("u-%06d", i % (count / 4)); // ids of one length: bytes in proportion
            long time = W0 + i % 60_000;
            activities.add(i % 2 == 0 ? order(String.format("o-%06d", i), "p-1", user, time, 1 + i % 3, 100L + i)
                    : view(String.format("v-%06d", i), "p-1", user, time));
        }
        return activities;
    }

    private static WindowAggregate totalsOf(List<ProductActivity> distinct) {
        List<ProductActivity> orders = distinct.stream().filter(a -> a.kind() == ActivityKind.ORDER).toList();
        return new WindowAggregate("p-1", W0, W1, orders.size(), orders.stream().mapToLong(ProductActivity::units).sum(),
                orders.stream().mapToLong(ProductActivity::revenueCents).sum(),
                distinct.stream().map(ProductActivity::userId).distinct().count(), distinct.size() - orders.size());
    }

    /** Sends {@code activities} {@code copies} times over, in bundles of 500, as the bundlers would. */
    private void processInBundles(List<ProductActivity> activities, int copies) throws Exception {
        for (int copy = 0; copy < copies; copy++) {
            for (int from = 0; from < activities.size(); from += 500) {
                List<ProductActivity> chunk = activities.subList(from, Math.min(activities.size(), from + 500));
                harness.processElement(new ActivityBundle("p-1", W0, chunk.toArray(ProductActivity[]::new)), W0 + 59_999);
            }
        }
    }

    /**
     * The size of the operator's state in a savepoint (canonical format: each entry once, as the state holds it,
     * whatever the backend keeps on disk until it compacts).
     */
    private long stateBytes() throws Exception {
        return harness.snapshotWithLocalState(1L, 1L, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState().getStateSize();
    }

    // ------------------------------------------------------------------ lateness

    @Test
    void aLateEventWithinTheAllowedLatenessReFiresTheWindowWithCompleteTotals() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000));
        harness.processWatermark(W1 + 5_000);

        process(order("o-2", "p-1", "u-2", W0 + 30_000, 3, 4_500));

        assertThat(harness.extractOutputValues()).containsExactly(
                new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 1, 0),
                new WindowAggregate("p-1", W0, W1, 2, 5, 6_500, 2, 0));
        assertThat(lateOutput()).isEmpty();
    }

    @Test
    void eachFurtherLateEventReFiresAgainWithAllTotalsSoFar() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100));
        harness.processWatermark(W1 - 1);

        process(view("v-1", "p-1", "u-1", W0 + 2_000));
        process(view("v-2", "p-1", "u-2", W0 + 3_000));

        assertThat(harness.extractOutputValues()).containsExactly(
                new WindowAggregate("p-1", W0, W1, 1, 1, 100, 1, 0),
                new WindowAggregate("p-1", W0, W1, 1, 1, 100, 1, 1),
                new WindowAggregate("p-1", W0, W1, 1, 1, 100, 2, 2));
    }

    @Test
    void acceptsALateEventUpToTheLastMillisecondOfTheAllowedLateness() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100));
        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0);

        process(order("o-2", "p-1", "u-2", W0 + 1_000, 1, 100));

        assertThat(harness.extractOutputValues()).containsExactly(
                new WindowAggregate("p-1", W0, W1, 1, 1, 100, 1, 0),
                new WindowAggregate("p-1", W0, W1, 2, 2, 200, 2, 0));
        assertThat(lateOutput()).isEmpty();
    }

    @Test
    void sendsAnEventBeyondTheAllowedLatenessToTheLateOutputAndNotToItsWindow() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100));
        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);
        ProductActivity tooLate = order("o-2", "p-1", "u-2", W0 + 30_000, 3, 4_500);

        process(tooLate);

        assertThat(harness.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 1, 100, 1, 0));
        assertThat(lateOutput()).containsExactly(tooLate);
    }

    @Test
    void dropsAClosedWindowsStateOnceTheAllowedLatenessHasPassed() throws Exception {
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100));
        harness.processWatermark(W1 - 1);
        harness.snapshot(1L, 1L); // writes what the heap holds to state
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(LAST_WATERMARK_ACCEPTING_W0 + 1);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aTooLateEventBecomesALateEventWithItsWindowAndTheWatermarkAtArrival() throws Exception {
        long watermark = W1 + 45_000;
        process(order("o-1", "p-1", "u-1", W0 + 1_000, 1, 100));
        harness.processWatermark(watermark);
        process(order("o-2", "p-1", "u-2", W0 + 30_000, 3, 4_500),
                view("v-9", "p-7", "u-9", W0 + 59_999));

        CapturedMetrics metrics = new CapturedMetrics();
        try (OneInputStreamOperatorTestHarness<ActivityBundle, LateEvent> recorder = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new LateEventRecorder(SETTINGS)), metrics.environment())) {
            recorder.open();
            recorder.processWatermark(harness.getCurrentWatermark());
            for (StreamRecord<ActivityBundle> late : harness.getSideOutput(LATE)) {
                recorder.processElement(late);
            }

            assertThat(recorder.extractOutputValues()).containsExactly(
                    new LateEvent("o-2", "p-1", ActivityKind.ORDER, W0 + 30_000, W0, 3, 4_500, watermark),
                    new LateEvent("v-9", "p-7", ActivityKind.VIEW, W0 + 59_999, W0, 0, 0, watermark));
            assertThat(metrics.counter(PipelineMetrics.LATE_EVENTS)).isEqualTo(2);
        }
    }
}
