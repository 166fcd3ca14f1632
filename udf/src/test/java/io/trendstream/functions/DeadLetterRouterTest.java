package io.trendstream.functions;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.OrderEvent;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.Ingested;
import io.trendstream.testing.CapturedMetrics;
import io.trendstream.testing.Events;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Valid events go on; dead letters go, unchanged, to the dead-letter side output. */
class DeadLetterRouterTest {

    private static DeadLetter deadLetter(DeadLetterReason reason, long offset) {
        return DeadLetter.newBuilder()
                .setReason(reason.name())
                .setDetail("because")
                .setSourceTopic("orders")
                .setSourcePartition(1)
                .setSourceOffset(offset)
                .setSourceTimestamp(Instant.ofEpochMilli(1_000))
                .setKey(ByteBuffer.wrap(new byte[] {1, 2}))
                .setPayload(ByteBuffer.wrap(new byte[] {3, 4, 5}))
                .build();
    }

    @Test
    void sendsValidEventsToTheMainOutputAndDeadLettersUnchangedToTheSideOutput() throws Exception {
        OrderEvent first = Events.order("e-1", Events.line("p-1", 1, "1.00")).build();
        OrderEvent second = Events.order("e-2", Events.line("p-2", 1, "1.00")).build();
        DeadLetter undecodable = deadLetter(DeadLetterReason.UNDECODABLE, 7);
        DeadLetter noUser = deadLetter(DeadLetterReason.MISSING_USER_ID, 8);

        try (OneInputStreamOperatorTestHarness<Ingested<OrderEvent>, OrderEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new DeadLetterRouter<>("orders"))) {
            harness.processElement(Ingested.of(first, 100L), 100L);
            harness.processElement(Ingested.failed(undecodable), 101L);
            harness.processElement(Ingested.of(second, 102L), 102L);
            harness.processElement(Ingested.failed(noUser), 103L);

            assertThat(harness.extractOutputValues()).containsExactly(first, second);
            assertThat(harness.getSideOutput(DeadLetterRouter.DEAD_LETTERS))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(undecodable, noUser);
        }
    }

    @Test
    void sendsNothingToTheSideOutputWhenAllEventsAreValid() throws Exception {
        try (OneInputStreamOperatorTestHarness<Ingested<OrderEvent>, OrderEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new DeadLetterRouter<>("orders"))) {
            harness.processElement(Ingested.of(Events.validOrder(), 100L), 100L);

            assertThat(harness.getSideOutput(DeadLetterRouter.DEAD_LETTERS)).isNull();
            assertThat(harness.extractOutputValues()).containsExactly(Events.validOrder());
        }
    }

    @Test
    void countsRecordsInPerSourceAndDeadLettersPerReason() throws Exception {
        CapturedMetrics metrics = new CapturedMetrics();
        try (OneInputStreamOperatorTestHarness<Ingested<OrderEvent>, OrderEvent> harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new DeadLetterRouter<OrderEvent>("views")), metrics.environment())) {
            harness.open();
            harness.processElement(Ingested.of(Events.validOrder(), 100L), 100L);
            harness.processElement(Ingested.failed(deadLetter(DeadLetterReason.UNDECODABLE, 1)), 101L);
            harness.processElement(Ingested.failed(deadLetter(DeadLetterReason.UNDECODABLE, 2)), 102L);
            harness.processElement(Ingested.failed(deadLetter(DeadLetterReason.EMPTY_RECORD, 3)), 103L);

            assertThat(metrics.counter(PipelineMetrics.EVENTS_IN, PipelineMetrics.SOURCE_LABEL, "views")).isEqualTo(4);
            assertThat(metrics.counter(PipelineMetrics.DEAD_LETTERS, PipelineMetrics.REASON_LABEL, "UNDECODABLE")).isEqualTo(2);
            assertThat(metrics.counter(PipelineMetrics.DEAD_LETTERS, PipelineMetrics.REASON_LABEL, "EMPTY_RECORD")).isEqualTo(1);
            assertThat(metrics.counter(PipelineMetrics.DEAD_LETTERS, PipelineMetrics.REASON_LABEL, "UNKNOWN_SCHEMA")).isZero();
        }
    }
}
