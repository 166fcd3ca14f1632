package io.trendstream.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Latency from a window becoming closable (the closing watermark passing its end) to its row being visible in the
 * database (committed). Both ends are sampled by the measuring loop, so each is known to within one poll interval;
 * the watermark also lags by up to the REST metric refresh interval, which makes latencies look shorter by that much.
 */
final class CommitLatency {
    private final List<long[]> watermarkSamples = new ArrayList<>(); // {wallMillis, watermark}
    private final Map<String, Long> firstSeen = new HashMap<>();

    void watermark(long wallMillis, long watermark) {
        if (watermarkSamples.isEmpty() || watermarkSamples.get(watermarkSamples.size() - 1)[1] != watermark) {
            watermarkSamples.add(new long[] {wallMillis, watermark});
        }
    }

    void seen(String key, long wallMillis) {
        firstSeen.putIfAbsent(key, wallMillis);
    }

    int seenCount() {
        return firstSeen.size();
    }

    boolean hasSeen(String key) {
        return firstSeen.containsKey(key);
    }

    /**
     * Wall-clock time of the first sample whose watermark had passed {@code windowEnd}, or -1 when unknown: never
     * passed, or already passed at the first sample (the watermark became observable too late to time it).
     */
    long closableAt(long windowEnd) {
        for (int i = 0; i < watermarkSamples.size(); i++) {
            long[] sample = watermarkSamples.get(i);
            if (sample[1] >= windowEnd - 1) { // a window [s, e) fires at watermark e - 1
                return i == 0 ? -1 : sample[0];
            }
        }
        return -1;
    }

    /**
     * From the watermark passing each window's end: p50, p99, max in ms and the number of windows, over the given
     * windows (key -> window end); {@code null} when nothing measurable. For a replayed backlog, where event time
     * runs far ahead of the wall clock.
     */
    long[] percentiles(Map<String, Long> windowEnds) {
        List<Long> latencies = new ArrayList<>();
        for (Map.Entry<String, Long> window : windowEnds.entrySet()) {
            Long visible = firstSeen.get(window.getKey());
            long closable = closableAt(window.getValue());
            if (visible != null && closable >= 0) {
                latencies.add(Math.max(0, visible - closable));
            }
        }
        return summarize(latencies);
    }

    /**
     * From each window's end as a moment on the wall clock (paced input: event time is the wall-clock time of
     * sending) to its row being visible: what a user waits, out-of-orderness and checkpoint interval included.
     */
    long[] percentilesFromWindowEnd(Map<String, Long> windowEnds) {
        List<Long> latencies = new ArrayList<>();
        for (Map.Entry<String, Long> window : windowEnds.entrySet()) {
            Long visible = firstSeen.get(window.getKey());
            if (visible != null) {
                latencies.add(visible - window.getValue());
            }
        }
        return summarize(latencies);
    }

    /**
     * Each window end's slowest row, in order of the window ends, as "end +latency ms": shows which windows waited
     * (the first after the start, or one in every so many checkpoints), which the percentiles do not.
     */
    String slowestPerWindowEnd(Map<String, Long> windowEnds) {
        TreeMap<Long, Long> slowest = new TreeMap<>();
        windowEnds.forEach((key, end) -> {
            Long visible = firstSeen.get(key);
            if (visible != null) {
                slowest.merge(end, visible - end, Math::max);
            }
        });
        return slowest.entrySet().stream()
                .map(e -> Instant.ofEpochMilli(e.getKey()).toString().substring(11, 19) + " +" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static long[] summarize(List<Long> latencies) {
        if (latencies.isEmpty()) {
            return null;
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new long[] {at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1], sorted.length};
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
    }
}
