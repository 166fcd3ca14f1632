package io.trendstream.jdbc;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import java.util.concurrent.CountDownLatch;

/**
 * Test fault: once armed, blocks the first snapshot of a period in which it saw records, so that the
 * checkpoint never completes. Placed beside a sink on the same stream, it guarantees that the sink
 * received records in that period too and has prepared a transaction for the stalled checkpoint.
 * Shared through static fields because the MiniCluster runs in the test's JVM.
 */
public final class CheckpointStaller<T> implements MapFunction<T, T>, CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static volatile boolean armed;
    public static volatile CountDownLatch stalled = new CountDownLatch(1);
    public static volatile CountDownLatch released = new CountDownLatch(1);

    public static void arm() {
        stalled = new CountDownLatch(1);
        released = new CountDownLatch(1);
        armed = true;
    }

    public static void disarm() {
        armed = false;
        released.countDown();
    }

    private transient boolean sawRecords;

    @Override
    public T map(T value) {
        sawRecords = true;
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        boolean hadRecords = sawRecords;
        sawRecords = false;
        if (armed && hadRecords) {
            armed = false;
            stalled.countDown();
            released.await(); // until the TaskManager is killed, or the test disarms
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}
}
