package io.trendstream.functions;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The watermark a window stage has reached survives restarts, rescales included. */
class DurableWatermarkTest {

    private OneInputStreamOperatorTestHarness<String, String> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new DurableWatermark<>());
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void forwardsRecordsAndWatermarksUnchangedWhileRunning() throws Exception {
        harness.processElement("a", 10);
        harness.processWatermark(100);
        harness.processElement("b", 50);
        harness.processWatermark(200);

        assertThat(output()).containsExactly("a@10", "W100", "b@50", "W200");
    }

    @Test
    void afterARestoreForwardsTheWatermarkItHadReachedBeforeAnythingElse() throws Exception {
        harness.processWatermark(5_000);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);

        restartFrom(snapshot);
        harness.processElement("late", 1_000);

        assertThat(output()).containsExactly("W5000", "late@1000");
    }

    @Test
    void afterARestoreHoldsBackTheSourcesWatermarksUntilTheyPassTheRestoredOne() throws Exception {
        harness.processWatermark(5_000);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);

        restartFrom(snapshot);
        harness.processWatermark(Long.MIN_VALUE + 1);
        harness.processWatermark(3_000);
        harness.processWatermark(5_000);
        harness.processWatermark(6_000);

        assertThat(output()).containsExactly("W5000", "W6000");
    }

    @Test
    void aJobStartedWithoutStateForwardsTheSourcesWatermarks() throws Exception {
        restartFrom(harness.snapshot(1L, 1L)); // nothing reached yet

        harness.processElement("a", 10);
        harness.processWatermark(20);

        assertThat(output()).containsExactly("a@10", "W20");
    }

    @Test
    void theEndOfInputIsForwardedButNotKept() throws Exception {
        harness.processWatermark(5_000);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(output()).containsExactly("W5000", "W" + Long.MAX_VALUE);

        restartFrom(harness.snapshot(1L, 1L));
        harness.processElement("a", 6_000);

        assertThat(output()).containsExactly("W5000", "a@6000");
    }

    @Test
    void aRescaledStageRestoresTheLowestWatermarkOfTheSubtasksBefore() throws Exception {
        harness.close();
        OperatorSubtaskState[] before = new OperatorSubtaskState[2];
        long[] reached = {7_000, 5_000};
        for (int subtask = 0; subtask < 2; subtask++) {
            try (OneInputStreamOperatorTestHarness<String, String> old =
                    new OneInputStreamOperatorTestHarness<>(new DurableWatermark<>(), 128, 2, subtask)) {
                old.open();
                old.processWatermark(reached[subtask]);
                before[subtask] = old.snapshot(1L, 1L);
            }
        }
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repackageState(before);

        for (int subtask = 0; subtask < 3; subtask++) {
            try (OneInputStreamOperatorTestHarness<String, String> scaled =
                    new OneInputStreamOperatorTestHarness<>(new DurableWatermark<>(), 128, 3, subtask)) {
                scaled.setup();
                scaled.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(merged, 128, 2, 3, subtask));
                scaled.open();
                scaled.processWatermark(1_000);
                assertThat(describe(scaled)).as("subtask %d of 3", subtask).containsExactly("W5000");
            }
        }
        harness = new OneInputStreamOperatorTestHarness<>(new DurableWatermark<>());
        harness.open();
    }

    private void restartFrom(OperatorSubtaskState snapshot) throws Exception {
        harness.close();
        harness = new OneInputStreamOperatorTestHarness<>(new DurableWatermark<>());
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
    }

    private List<String> output() {
        return describe(harness);
    }

    private static List<String> describe(OneInputStreamOperatorTestHarness<String, String> h) {
        List<String> out = new ArrayList<>();
        for (Object each : h.getOutput()) {
            if (each instanceof Watermark mark) {
                out.add("W" + mark.getTimestamp());
            } else if (each instanceof StreamRecord<?> record) {
                out.add(record.getValue() + "@" + record.getTimestamp());
            }
        }
        return out;
    }
}
