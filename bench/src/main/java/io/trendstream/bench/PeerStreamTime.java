package io.trendstream.bench;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer's equivalent of the Flink job's watermark, for the latency measurement only: the smallest, over all input
 * partitions, of the newest event time seen, minus the out-of-orderness.
 */
final class PeerStreamTime {
    private final ConcurrentHashMap<String, Long> newestByPartition = new ConcurrentHashMap<>();
    private final int partitions;
    private final long outOfOrdernessMillis;

    PeerStreamTime(int partitions, long outOfOrdernessMillis) {
        this.partitions = partitions;
        this.outOfOrdernessMillis = outOfOrdernessMillis;
    }

    void observe(String partition, long eventTime) {
        newestByPartition.merge(partition, eventTime, Math::max);
    }

    /** Each input partition's newest event time, in seconds after the slowest partition's (progress log). */
    String aheadSeconds() {
        long min = newestByPartition.values().stream().mapToLong(Long::longValue).min().orElse(0);
        return new java.util.TreeMap<>(newestByPartition).entrySet().stream()
                .map(e -> e.getKey().replaceAll(".*-(orders|views)-", "$1") + "=" + (e.getValue() - min) / 1000)
                .collect(java.util.stream.Collectors.joining(" "));
    }

    OptionalLong watermark() {
        if (newestByPartition.size() < partitions) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(newestByPartition.values().stream().mapToLong(Long::longValue).min().orElseThrow()
                - outOfOrdernessMillis - 1);
    }
}
