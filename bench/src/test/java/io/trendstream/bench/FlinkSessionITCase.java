package io.trendstream.bench;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bench cluster in a JVM of its own (the heap check's): jobs submitted to it run there, what the bench measures is
 * that JVM, not this one, and the JVM ends with the session.
 */
class FlinkSessionITCase {

    @Test
    void aSessionInItsOwnJvmRunsJobsThereAndIsMeasuredThere() throws Exception {
        long pid;
        try (FlinkSession session = FlinkSession.startInOwnJvm(1)) {
            pid = session.jvm().pid();
            assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(ProcessHandle.current().children().mapToLong(ProcessHandle::pid)).contains(pid);

            StreamExecutionEnvironment env = session.environment(1);
            env.fromSequence(1, 1_000).sinkTo(new DiscardingSink<>());
            assertThat(env.execute("runs in the session's JVM").getJobExecutionResult().getNetRuntime()).isPositive();

            ResourceSampler sampler = new ResourceSampler(session.jvm());
            sampler.start();
            sampler.sampleLiveHeap();
            // Its live heap after a full collection in that JVM, not this one's (which holds no cluster at all).
            assertThat(sampler.peakLiveHeapBytes()).isPositive();
            assertThat(sampler.peakRssBytes()).isPositive();
            assertThat(session.metrics().sourceRecordsOut("no such job", 1)).isEmpty();
            assertThat(session.metrics().inputWatermark("no such job", "Window")).isEmpty();
        }
        Optional<ProcessHandle> after = ProcessHandle.of(pid);
        assertThat(after.isEmpty() || !after.get().isAlive()).as("the session's JVM ended with it").isTrue();
    }
}
