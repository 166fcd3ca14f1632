package io.trendstream.functions;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * Keeps the watermark that the operators after it have reached across restarts, so that lateness
 * survives a failover, a savepoint restore, a rescale or an upgrade.
 *
 * <p>Flink does not checkpoint watermarks: after a restore every source starts again from no watermark
 * at all. A window operator then takes an event for a window it closed and purged before the restart
 * as on time: it opens the window afresh, fires it with only that event when the watermark catches up,
 * and the upsert replaces the complete row with a partial one, while the event never reaches the late
 * output. This operator, placed directly in front of the window operator (same task, same partitioning),
 * stores the watermark it has forwarded in every checkpoint and, after a restore, forwards it again
 * before anything else and holds back lower watermarks. So the window operator judges lateness exactly
 * as it did before the restart, and its timers fire no earlier or later than they would have.
 *
 * <p>The watermark is kept as union list state and restored as the lowest of the subtasks' values.
 * With aligned checkpoints every subtask of a keyed stage sees the same watermarks before a barrier,
 * so the values are equal; taking the lowest keeps a rescale safe even if they were not. The end of
 * input ({@link Long#MAX_VALUE}, emitted when a bounded source ends or a job is stopped with
 * {@code --drain}) is not kept: it would make every event after a restore late.
 */
public final class DurableWatermark<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(DurableWatermark.class);

    static final String STATE_NAME = "watermark-reached";

    private transient ListState<Long> reachedState;
    /** The highest watermark forwarded, or restored and still to be forwarded. */
    private transient long reached;
    /** A restored watermark not yet forwarded: it goes out before the first record or watermark. */
    private transient boolean restoredPending;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        reachedState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(STATE_NAME, LongSerializer.INSTANCE));
        reached = Long.MIN_VALUE;
        if (context.isRestored()) {
            long lowest = Long.MAX_VALUE;
            boolean any = false;
            for (Long watermark : reachedState.get()) {
                lowest = Math.min(lowest, watermark);
                any = true;
            }
            if (any && lowest > Long.MIN_VALUE) {
                reached = lowest;
                restoredPending = true;
            }
            LOG.info("Restored the watermark reached before the restart: {}",
                    reached == Long.MIN_VALUE ? "none" : Instant.ofEpochMilli(reached));
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        forwardRestoredWatermark();
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        forwardRestoredWatermark();
        if (mark.getTimestamp() > reached) {
            if (mark.getTimestamp() != Long.MAX_VALUE) {
                reached = mark.getTimestamp();
            }
            super.processWatermark(mark);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        reachedState.update(List.of(reached));
    }

    private void forwardRestoredWatermark() throws Exception {
        if (restoredPending) {
            restoredPending = false;
            super.processWatermark(new Watermark(reached));
        }
    }
}
