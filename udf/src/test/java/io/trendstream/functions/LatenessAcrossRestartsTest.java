package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ProductActivity;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window stage as the job runs it, {@link DurableWatermark} in front of the window operator, across a
 * restart: sources start again without a watermark, yet an event for a window that closed before the restart
 * is late, goes to the late output, and never reopens its window (whose row would be replaced by a partial one).
 */
class LatenessAcrossRestartsTest {

    private static final WindowSettings SETTINGS = new WindowSettings(
            Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(1));
    private static final OutputTag<ActivityBundle> LATE = new OutputTag<>("late-activity") {};
    private static final long W0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    private static final long W1 = W0 + 60_000;
    /** The first watermark at which window W0 is closed for good (its max timestamp plus the lateness). */
    private static final long W0_CLOSED = W1 - 1 + 10_000;

    private OneInputStreamOperatorTestHarness<ActivityBundle, ActivityBundle> durable;
    private KeyedOneInputStreamOperatorTestHarness<String, ActivityBundle, WindowAggregate> windows;

    @BeforeEach
    void start() throws Exception {
        startFrom(null, null);
    }

    @AfterEach
    void stop() throws Exception {
        durable.close();
        windows.close();
    }

    @Test
    void anEventForAWindowClosedBeforeARestoreIsLateAndTheWindowDoesNotFireAgain() throws Exception {
        ProductActivity counted = ProductActivity.order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000);
        process(counted);
        watermark(W0_CLOSED);
        assertThat(windows.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 1, 0));

        restart();
        ProductActivity late = ProductActivity.view("v-1", "p-1", "u-2", W0 + 30_000);
        process(late);
        watermark(Long.MIN_VALUE + 1); // the restarted sources' first watermarks
        watermark(W1 + 120_000);

        assertThat(windows.extractOutputValues()).as("no firing after the restore").isEmpty();
        assertThat(lateOutput()).containsExactly(late);
    }

    @Test
    void aWindowStillWithinItsLatenessAtTheRestoreReFiresWithCompleteTotals() throws Exception {
        process(ProductActivity.order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000));
        watermark(W1 - 1);

        restart();
        process(ProductActivity.view("v-1", "p-1", "u-2", W0 + 30_000));

        assertThat(windows.extractOutputValues()).containsExactly(new WindowAggregate("p-1", W0, W1, 1, 2, 2_000, 2, 1));
        assertThat(lateOutput()).isEmpty();
    }

    @Test
    void lateEventsCarryTheWatermarkReachedBeforeTheRestore() throws Exception {
        process(ProductActivity.order("o-1", "p-1", "u-1", W0 + 1_000, 2, 2_000));
        watermark(W0_CLOSED);

        restart();
        process(ProductActivity.view("v-1", "p-1", "u-2", W0 + 30_000));

        assertThat(windows.getCurrentWatermark()).isEqualTo(W0_CLOSED);
    }

    private void restart() throws Exception {
        OperatorSubtaskState durableState = durable.snapshot(1L, 1L);
        OperatorSubtaskState windowState = windows.snapshot(1L, 1L);
        durable.close();
        windows.close();
        startFrom(durableState, windowState);
    }

    private void startFrom(OperatorSubtaskState durableState, OperatorSubtaskState windowState) throws Exception {
        durable = new OneInputStreamOperatorTestHarness<>(new DurableWatermark<>());
        windows = new KeyedOneInputStreamOperatorTestHarness<>(ProductWindowTest.windowStage(SETTINGS, LATE),
                ActivityBundle::productId, Types.STRING);
        durable.setup();
        windows.setup();
        if (durableState != null) {
            durable.initializeState(durableState);
            windows.initializeState(windowState);
        }
        durable.open();
        windows.open();
    }

    private void process(ProductActivity activity) throws Exception {
        durable.processElement(ActivityBundle.of(activity, SETTINGS.windowStart(activity.eventTime())), activity.eventTime());
        pump();
    }

    private void watermark(long timestamp) throws Exception {
        durable.processWatermark(timestamp);
        pump();
    }

    /** What the durable watermark forwards goes on to the window operator, as in their shared task. */
    @SuppressWarnings("unchecked")
    private void pump() throws Exception {
        for (Object each : durable.getOutput()) {
            if (each instanceof Watermark mark) {
                windows.processWatermark(mark);
            } else {
                windows.processElement((StreamRecord<ActivityBundle>) each);
            }
        }
        durable.getOutput().clear();
    }

    private List<ProductActivity> lateOutput() {
        List<ProductActivity> late = new ArrayList<>();
        if (windows.getSideOutput(LATE) != null) {
            windows.getSideOutput(LATE).forEach(r -> late.addAll(List.of(r.getValue().activities())));
        }
        return late;
    }
}
