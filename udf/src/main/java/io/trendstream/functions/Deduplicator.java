package io.trendstream.functions;

import io.trendstream.metrics.PipelineMetrics;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Lets the first event with a given id through and drops the rest: producers retry, and a retried
 * event must not count twice. Keyed by event id; an id is remembered for the configured TTL, after
 * which its state is removed (by RocksDB compaction, or on access with heap state).
 */
public final class Deduplicator<T> extends KeyedProcessFunction<String, T, T> {
    private static final long serialVersionUID = 1L;

    public static final String STATE_NAME = "seen";

    private final Duration ttl;
    private final String source;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicatesDropped;

    public Deduplicator(Duration ttl, String source) {
        this.ttl = ttl;
        this.source = source;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>(STATE_NAME, Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getState(descriptor);
        duplicatesDropped = getRuntimeContext().getMetricGroup()
                .addGroup(PipelineMetrics.GROUP)
                .addGroup(PipelineMetrics.SOURCE_LABEL, source)
                .counter(PipelineMetrics.DUPLICATES_DROPPED);
    }

    @Override
    public void processElement(T event, Context ctx, Collector<T> out) throws Exception {
        if (seen.value() == null) {
            seen.update(Boolean.TRUE);
            out.collect(event);
        } else {
            duplicatesDropped.inc();
        }
    }
}
