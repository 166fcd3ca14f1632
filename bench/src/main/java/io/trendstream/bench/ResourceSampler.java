package io.trendstream.bench;

import java.io.IOException;
import com.sun.management.GcInfo;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Process CPU time and memory of this JVM, which hosts the broker, the registry, the MiniCluster or Kafka Streams
 * app and the probes. PostgreSQL is a separate process and is not included.
 */
final class ResourceSampler {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Set<Long> threadsBefore = new HashSet<>();
    private final Set<String> heapPools = new HashSet<>();
    private final Map<String, Long> lastGcIds = new HashMap<>();
    private long cpuStartNanos;
    private long peakRssBytes;
    private long peakHeapAfterGcBytes;
    private long peakLiveHeapBytes;

    ResourceSampler() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
    }

    /** Starts a variant: CPU baseline, the heap pools' peaks reset, and only collections from now on count. */
    void start() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        cpuStartNanos = os.getProcessCpuTime();
        peakRssBytes = 0;
        peakHeapAfterGcBytes = 0;
        peakLiveHeapBytes = 0;
        lastGcIds.clear();
        threadsBefore.clear();
        for (long id : threads.getAllThreadIds()) {
            threadsBefore.add(id);
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean sun && sun.getLastGcInfo() != null) {
                lastGcIds.put(gc.getName(), sun.getLastGcInfo().getId());
            }
        }
        sample();
    }

    /**
     * Called by the variant's polling loop: RSS has no resettable peak, so it is sampled; so is the heap in use right
     * after each collection seen since the last sample (what survived it: live data, the window state on the heap,
     * plus old garbage a young collection does not reach). Collections between two samples are missed except the last
     * of each collector.
     */
    void sample() {
        peakRssBytes = Math.max(peakRssBytes, rssBytes());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof com.sun.management.GarbageCollectorMXBean sun)) {
                continue;
            }
            GcInfo info = sun.getLastGcInfo();
            if (info == null || Long.valueOf(info.getId()).equals(lastGcIds.get(gc.getName()))) {
                continue;
            }
            lastGcIds.put(gc.getName(), info.getId());
            long afterGc = 0;
            for (Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(pool.getKey())) {
                    afterGc += pool.getValue().getUsed();
                }
            }
            peakHeapAfterGcBytes = Math.max(peakHeapAfterGcBytes, afterGc);
        }
    }

    /** A full collection, then a {@link #sample()}: the heap in use right after it is the live heap (no old garbage). */
    void sampleLiveHeap() {
        System.gc();
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (heapPools.contains(pool.getName())) {
                live += pool.getUsage().getUsed();
            }
        }
        peakLiveHeapBytes = Math.max(peakLiveHeapBytes, live);
        sample();
    }

    /**
     * CPU time per thread of the threads started since {@link #start()}: the variant's own (Flink's task, network and
     * RocksDB threads, or Kafka Streams' stream threads and their clients), not the broker's, the registry's or this
     * measuring loop's, which all started before. PostgreSQL is a separate process and never counted.
     */
    Map<Long, Long> variantThreadCpuNanos() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            if (!threadsBefore.contains(id) && !isInputWriter(id)) {
                long nanos = threads.getThreadCpuTime(id);
                if (nanos >= 0) {
                    cpu.put(id, nanos);
                }
            }
        }
        return cpu;
    }

    /** The paced generator's thread and its Kafka producer's (transactional id trendstream-generator-*) write the input. */
    private boolean isInputWriter(long id) {
        java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
        return info != null && info.getThreadName().contains("generator");
    }

    /** CPU the variant's threads used between two {@link #variantThreadCpuNanos()} snapshots (threads that ended in between are missed). */
    static long cpuBetween(Map<Long, Long> first, Map<Long, Long> last) {
        long sum = 0;
        for (Map.Entry<Long, Long> thread : last.entrySet()) {
            sum += thread.getValue() - first.getOrDefault(thread.getKey(), 0L);
        }
        return sum;
    }

    /** The largest heap in use right after a collection during the variant (0 if none ran): the peak live heap. */
    long peakHeapAfterGcBytes() {
        return peakHeapAfterGcBytes;
    }

    /** The largest heap in use right after a {@link #sampleLiveHeap()} (0 if none): live data only. */
    long peakLiveHeapBytes() {
        return peakLiveHeapBytes;
    }

    double cpuSecondsSinceStart() {
        return (os.getProcessCpuTime() - cpuStartNanos) / 1e9;
    }

    long cpuNanosNow() {
        return os.getProcessCpuTime();
    }

    /** Sum of the heap pools' peaks since {@link #start()}: an upper bound of the peak heap in use. */
    long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    long peakRssBytes() {
        return peakRssBytes;
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: RSS is reported as 0
        }
        return 0;
    }
}
