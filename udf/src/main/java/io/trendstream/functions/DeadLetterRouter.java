package io.trendstream.functions;

import io.trendstream.events.DeadLetter;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.Ingested;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.Map;

/**
 * Passes valid events on and sends dead letters to the {@link #DEAD_LETTERS} side output, counting
 * both per source and the dead letters per reason.
 */
public final class DeadLetterRouter<T> extends ProcessFunction<Ingested<T>, T> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final String source;
    private transient Counter eventsIn;
    private transient Map<DeadLetterReason, Counter> deadLettersByReason;

    /** @param source the label of the events' source in metrics, e.g. "orders" */
    public DeadLetterRouter(String source) {
        this.source = source;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup(PipelineMetrics.GROUP);
        eventsIn = group.addGroup(PipelineMetrics.SOURCE_LABEL, source).counter(PipelineMetrics.EVENTS_IN);
        deadLettersByReason = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettersByReason.put(reason,
                    group.addGroup(PipelineMetrics.REASON_LABEL, reason.name()).counter(PipelineMetrics.DEAD_LETTERS));
        }
    }

    @Override
    public void processElement(Ingested<T> record, Context ctx, Collector<T> out) {
        eventsIn.inc();
        if (record.isDeadLetter()) {
            DeadLetter deadLetter = record.getDeadLetter();
            deadLettersByReason.get(DeadLetterReason.valueOf(deadLetter.getReason())).inc();
            ctx.output(DEAD_LETTERS, deadLetter);
        } else {
            out.collect(record.getEvent());
        }
    }
}
