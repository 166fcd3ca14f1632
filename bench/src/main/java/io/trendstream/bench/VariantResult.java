package io.trendstream.bench;

import java.util.List;

/**
 * One measured run of one variant. Rates and latencies are null when not measured; {@code correct} false means the
 * numbers do not count (the variant is reported as failed).
 */
record VariantResult(
        String name,
        String description,
        int parallelism,
        long inputEvents,
        long inputRecords,
        String status,
        boolean correct,
        String verification,
        List<String> mismatches,
        Double eventsPerSecond,
        Double steadySeconds,
        Double cpuSecondsPerMillionEvents,
        long peakHeapMb,
        long peakRssMb,
        Long checkpointsCompleted,
        Long checkpointAvgMillis,
        Long checkpointP99Millis,
        Long checkpointMaxMillis,
        Long latencyP50Millis,
        Long latencyP99Millis,
        Long latencyMaxMillis,
        Long latencyWindows,
        double wallSeconds) {
}
