package io.trendstream.functions;

import io.trendstream.events.OrderEvent;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.testing.CapturedMetrics;
import io.trendstream.testing.Events;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.trendstream.testing.Events.line;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deduplicator, keyed by event id, lets the first event with an id through and drops retries
 * of it for as long as the id is remembered (its TTL, in processing time).
 */
class DeduplicatorTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final KeySelector<OrderEvent, String> BY_EVENT_ID = OrderEvent::getEventId;

    private final List<KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent>> harnesses = new ArrayList<>();
    private CapturedMetrics metrics;
    private KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent> harness;

    private KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent> newHarness() throws Exception {
        metrics = new CapturedMetrics();
        KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new Deduplicator<OrderEvent>(TTL, "orders")),
                BY_EVENT_ID, Types.STRING, metrics.environment());
        h.setStateBackend(stateBackend());
        harnesses.add(h);
        return h;
    }

    /** The state backend the operator runs on; heap state here. */
    protected StateBackend stateBackend() {
        return new HashMapStateBackend();
    }

    protected KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent> harness() {
        return harness;
    }

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private static OrderEvent event(String eventId) {
        return Events.order(eventId, line("p-1", 1, "9.99")).build();
    }

    private static void process(KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent> h, OrderEvent e)
            throws Exception {
        h.processElement(e, e.getEventTime().toEpochMilli());
    }

    private static List<String> passedIds(KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent> h) {
        return h.extractOutputValues().stream().map(OrderEvent::getEventId).toList();
    }

    @Test
    void letsTheFirstEventWithAnIdThrough() throws Exception {
        OrderEvent first = event("e-1");

        process(harness, first);

        assertThat(harness.extractOutputValues()).containsExactly(first);
    }

    @Test
    void dropsARetryWithTheSameId() throws Exception {
        process(harness, event("e-1"));
        process(harness, event("e-1"));

        assertThat(passedIds(harness)).containsExactly("e-1");
    }

    @Test
    void dropsAnEventWithAKnownIdEvenIfItsContentDiffers() throws Exception {
        OrderEvent first = event("e-1");
        OrderEvent sameIdOtherContent = Events.order("e-1", line("p-9", 7, "1.00")).build();

        process(harness, first);
        process(harness, sameIdOtherContent);

        assertThat(harness.extractOutputValues()).containsExactly(first);
    }

    @Test
    void letsEventsWithDifferentIdsThrough() throws Exception {
        process(harness, event("e-1"));
        process(harness, event("e-2"));
        process(harness, event("e-1"));
        process(harness, event("e-3"));
        process(harness, event("e-2"));

        assertThat(passedIds(harness)).containsExactly("e-1", "e-2", "e-3");
    }

    @Test
    void keepsTheEventTimestampOfThePassedEvent() throws Exception {
        process(harness, event("e-1"));

        assertThat(harness.extractOutputStreamRecords()).singleElement()
                .satisfies(r -> assertThat(r.getTimestamp()).isEqualTo(Events.T0.toEpochMilli()));
    }

    @Test
    void countsDroppedDuplicatesPerSource() throws Exception {
        process(harness, event("e-1"));
        process(harness, event("e-1"));
        process(harness, event("e-1"));
        process(harness, event("e-2"));

        assertThat(metrics.counter(PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL, "orders"))
                .isEqualTo(2);
    }

    // ------------------------------------------------------------------ TTL

    @Test
    void stillDropsARetryJustBeforeTheTtlRunsOut() throws Exception {
        harness.setStateTtlProcessingTime(0);
        process(harness, event("e-1"));

        harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
        process(harness, event("e-1"));

        assertThat(passedIds(harness)).containsExactly("e-1");
    }

    @Test
    void forgetsAnIdOnceTheTtlHasPassedAndLetsItThroughAgain() throws Exception {
        harness.setStateTtlProcessingTime(0);
        process(harness, event("e-1"));

        harness.setStateTtlProcessingTime(TTL.toMillis());
        process(harness, event("e-1"));

        assertThat(passedIds(harness)).containsExactly("e-1", "e-1");
    }

    @Test
    void aDroppedRetryDoesNotExtendTheTtl() throws Exception {
        harness.setStateTtlProcessingTime(0);
        process(harness, event("e-1"));
        harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
        process(harness, event("e-1")); // dropped; a read does not refresh the TTL

        harness.setStateTtlProcessingTime(TTL.toMillis());
        process(harness, event("e-1"));

        assertThat(passedIds(harness)).containsExactly("e-1", "e-1");
    }

    @Test
    void remembersAnIdAgainForAFullTtlAfterItPassedAgain() throws Exception {
        harness.setStateTtlProcessingTime(0);
        process(harness, event("e-1"));
        harness.setStateTtlProcessingTime(TTL.toMillis());
        process(harness, event("e-1")); // passes again, remembered from now on

        harness.setStateTtlProcessingTime(2 * TTL.toMillis() - 1);
        process(harness, event("e-1"));

        assertThat(passedIds(harness)).containsExactly("e-1", "e-1");
    }

    // ------------------------------------------------------------------ checkpoints

    @Test
    void remembersSeenIdsAcrossSnapshotAndRestore() throws Exception {
        process(harness, event("e-1"));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent> restored = newHarness();
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        process(restored, event("e-1"));
        process(restored, event("e-2"));

        assertThat(passedIds(restored)).containsExactly("e-2");
    }

    @Test
    void forgetsRestoredIdsOnceTheirTtlHasPassed() throws Exception {
        harness.setStateTtlProcessingTime(0);
        process(harness, event("e-1"));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, OrderEvent> restored = newHarness();
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        restored.setStateTtlProcessingTime(TTL.toMillis());
        process(restored, event("e-1"));

        assertThat(passedIds(restored)).containsExactly("e-1");
    }
}
