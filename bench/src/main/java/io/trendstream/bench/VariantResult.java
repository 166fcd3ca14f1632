package io.trendstream.bench;

import java.util.List;
import java.util.Map;

/**
 * One measured run of one variant. Rates and latencies are null when not measured; {@code correct} false means the
 * numbers do not count (the variant is reported as failed).
 *
 * @param input "backlog" (preloaded, replayed as fast as the variant goes) or "paced N/s" (written in real time)
 * @param skewed one product has 90 % of the events
 * @param cpuSecondsPerMillionEvents the whole JVM's CPU (broker, registry and probes included)
 * @param variantCpuSecondsPerMillionEvents the CPU of the threads the variant started (not the broker's, registry's,
 *     paced generator's or the measuring loop's)
 * @param variantCpuByThreads the same, per thread group ({@link ThreadCpu#group}: a Flink task's subtasks, a source's
 *     split fetchers, a pool), largest first: where the variant's time went
 * @param peakHeapAfterGcMb the largest heap in use right after a collection: the TaskManager's live heap (one JVM)
 * @param sustained paced input only: the variant kept up (read everything within {@link Measurement#KEPT_UP} of the
 *     input's end)
 * @param drainSeconds paced input only: from the input's end to the variant having read all of it
 * @param inputLagSeconds paced input only: how far behind its pace the generator finished (more than
 *     {@link Measurement#KEPT_UP}: the rate was the generator's limit, not the variant's)
 * @param latencyFrom what latency is measured from: "window end (wall clock)" for paced input, "watermark" for a backlog
 */
record VariantResult(
        String name,
        String description,
        int parallelism,
        String input,
        boolean skewed,
        long inputEvents,
        long inputRecords,
        String status,
        boolean correct,
        String verification,
        List<String> mismatches,
        Double eventsPerSecond,
        Double steadySeconds,
        Double cpuSecondsPerMillionEvents,
        Double variantCpuSecondsPerMillionEvents,
        Map<String, Double> variantCpuByThreads,
        long peakHeapMb,
        long peakHeapAfterGcMb,
        long peakRssMb,
        Boolean sustained,
        Double drainSeconds,
        Double inputLagSeconds,
        long checkpointIntervalMillis,
        long outOfOrdernessMillis,
        Long checkpointsCompleted,
        Long checkpointAvgMillis,
        Long checkpointP99Millis,
        Long checkpointMaxMillis,
        String latencyFrom,
        Long latencyP50Millis,
        Long latencyP99Millis,
        Long latencyMaxMillis,
        Long latencyWindows,
        double wallSeconds) {

    /** Paced input that the generator wrote at its pace: a rate the run can speak for. */
    boolean inputKeptPace() {
        return inputLagSeconds != null && inputLagSeconds <= Measurement.KEPT_UP.toSeconds();
    }

    /**
     * Issue 12's bar for a measured run: at least a minute of steady state and six completed checkpoints. The Kafka
     * Streams peer has no checkpoints to count (none reported): it commits every checkpoint interval
     * ({@code commit.interval.ms}), so its steady minute holds six commits at the shipped 10 s.
     */
    boolean longEnough() {
        return steadySeconds != null && steadySeconds >= 60 && (checkpointsCompleted == null || checkpointsCompleted >= 6);
    }
}
