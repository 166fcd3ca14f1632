package io.trendstream.bench;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heap check's cluster, a standalone session of a JobManager process and a TaskManager process: jobs submitted to
 * it run in the TaskManager, what the bench measures is the TaskManager's JVM (not this one, not the JobManager's), and
 * both processes end with the session.
 */
class FlinkSessionITCase {

    @Test
    void aStandaloneSessionRunsJobsInItsTaskManagerAndIsMeasuredThere() throws Exception {
        long pid;
        List<ProcessHandle> processes;
        try (FlinkSession session = FlinkSession.startStandalone(1)) {
            pid = session.jvm().pid();
            processes = ProcessHandle.current().children().toList();
            assertThat(processes).hasSize(2).extracting(ProcessHandle::pid).contains(pid);
            RuntimeMXBean measured = ManagementFactory.newPlatformMXBeanProxy(session.jvm().mbeans(),
                    ManagementFactory.RUNTIME_MXBEAN_NAME, RuntimeMXBean.class);
            assertThat(measured.getSystemProperties().get("sun.java.command")).contains("FlinkSession TASKMANAGER");

            StreamExecutionEnvironment env = session.environment(1);
            env.fromSequence(1, 1_000).sinkTo(new DiscardingSink<>());
            assertThat(env.execute("runs in the session's TaskManager").getJobExecutionResult().getNetRuntime()).isPositive();

            ResourceSampler sampler = new ResourceSampler(session.jvm());
            sampler.start();
            sampler.sampleLiveHeap();
            // Its live heap after a full collection in that JVM, not this one's (which holds no cluster at all).
            assertThat(sampler.peakLiveHeapBytes()).isPositive();
            assertThat(sampler.peakRssBytes()).isPositive();
            assertThat(session.metrics().sourceRecordsOut("no such job", 1)).isEmpty();
            assertThat(session.metrics().inputWatermark("no such job", "Window")).isEmpty();
        }
        for (ProcessHandle process : processes) {
            assertThat(process.isAlive()).as("the session's process %s ended with it", process.pid()).isFalse();
        }
    }
}
