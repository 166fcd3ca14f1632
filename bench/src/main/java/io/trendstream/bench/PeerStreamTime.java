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

    OptionalLong watermark() {
        if (newestByPartition.size() < partitions) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(newestByPartition.values().stream().mapToLong(Long::longValue).min().orElseThrow()
                - outOfOrdernessMillis - 1);
    }
}
