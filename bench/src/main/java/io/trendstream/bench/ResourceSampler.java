package io.trendstream.bench;

import com.sun.management.GcInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.PlatformManagedObject;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Process CPU time and memory of the JVM a variant runs in ({@link VariantJvm}): this one, which hosts the broker,
 * the registry, the in-process Flink cluster or Kafka Streams app and the probes, or the TaskManager of a standalone
 * Flink session (the heap check). PostgreSQL is a separate process and is not included.
 */
final class ResourceSampler {
    private final VariantJvm jvm;
    private final com.sun.management.OperatingSystemMXBean os;
    private final com.sun.management.ThreadMXBean threads;
    private final MemoryMXBean memory;
    private final List<MemoryPoolMXBean> heapPools;
    private final List<com.sun.management.GarbageCollectorMXBean> collectors;
    /** The collector that runs full collections, {@code System.gc()}'s: G1's, Parallel's or Serial's old generation's. */
    private final Optional<com.sun.management.GarbageCollectorMXBean> fullCollector;
    private final Set<Long> threadsBefore = new HashSet<>();
    private final Map<String, Long> lastGcIds = new HashMap<>();
    private long cpuStartNanos;
    private long peakRssBytes;
    private long peakHeapAfterGcBytes;
    /** Every {@link #sampleLiveHeap()} figure since {@link #start()}, in order. */
    private final List<Long> liveHeapBytes = new ArrayList<>();
    private int liveHeapRequestsMissed;

    /** Samples this JVM. */
    ResourceSampler() {
        this(VariantJvm.thisJvm());
    }

    ResourceSampler(VariantJvm jvm) {
        this.jvm = jvm;
        this.os = bean(com.sun.management.OperatingSystemMXBean.class);
        this.threads = bean(com.sun.management.ThreadMXBean.class);
        this.memory = bean(MemoryMXBean.class);
        this.heapPools = beans(MemoryPoolMXBean.class).stream().filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        this.collectors = beans(com.sun.management.GarbageCollectorMXBean.class);
        this.fullCollector = collectors.stream()
                .filter(gc -> gc.getName().contains("Old") || gc.getName().contains("MarkSweep"))
                .findFirst();
    }

    private <T extends PlatformManagedObject> T bean(Class<T> type) {
        return beans(type).get(0);
    }

    private <T extends PlatformManagedObject> List<T> beans(Class<T> type) {
        try {
            return jvm.isThisJvm() ? ManagementFactory.getPlatformMXBeans(type)
                    : ManagementFactory.getPlatformMXBeans(jvm.mbeans(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("the variant's JVM (pid " + jvm.pid() + ") did not answer over JMX", e);
        }
    }

    /**
     * Starts a variant: a full collection, so that what earlier variants left in the old generation is gone (a young
     * collection does not reach it, and the heap after one counted it: 1,743 and 1,821 MiB for the first paced
     * 10,000/s run, after the heap check and the time-boxed runs, where the paced run after it read 468-527 MiB); then
     * the CPU baseline, the heap pools' peaks reset, and only collections from now on count.
     */
    void start() {
        memory.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        cpuStartNanos = os.getProcessCpuTime();
        peakRssBytes = 0;
        peakHeapAfterGcBytes = 0;
        liveHeapBytes.clear();
        liveHeapRequestsMissed = 0;
        lastGcIds.clear();
        threadsBefore.clear();
        for (long id : threads.getAllThreadIds()) {
            threadsBefore.add(id);
        }
        for (com.sun.management.GarbageCollectorMXBean gc : collectors) {
            GcInfo last = gc.getLastGcInfo();
            if (last != null) {
                lastGcIds.put(gc.getName(), last.getId());
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
        for (com.sun.management.GarbageCollectorMXBean gc : collectors) {
            GcInfo info = gc.getLastGcInfo();
            if (info == null || Long.valueOf(info.getId()).equals(lastGcIds.get(gc.getName()))) {
                continue;
            }
            lastGcIds.put(gc.getName(), info.getId());
            peakHeapAfterGcBytes = Math.max(peakHeapAfterGcBytes, heapAfter(info));
        }
    }

    private long heapAfter(GcInfo collection) {
        long used = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage after = collection.getMemoryUsageAfterGc().get(pool.getName());
            used += after == null ? 0 : after.getUsed();
        }
        return used;
    }

    /**
     * A full collection, then a {@link #sample()}: the heap in use right after it is the live heap (no old garbage).
     * Read from the full collection's own record of the heap after it ({@code GcInfo}), not from the pools once it
     * returned: another JVM is asked over JMX, and what the job allocated between the collection and that
     * question (this JVM's thread waiting for a core, or for its own collection) was counted as live: 589 and 275 MiB
     * among 240 samples of 120-155 MiB in one run (2026-12-02, thirteenth session). And a request may run no full
     * collection (seen once in some 200; likely a thread in a JNI critical region, as RocksDB's calls are, during
     * which the JVM defers collections and may run a young one after, whose figure includes old garbage): only the
     * full collector's record counts, asked up to three times; if none ran, no figure this time
     * ({@link #liveHeapRequestsMissed()}).
     */
    void sampleLiveHeap() {
        com.sun.management.GarbageCollectorMXBean collector = fullCollector.orElseThrow(() ->
                new IllegalStateException("none of the collectors of the variant's JVM runs full collections the heap"
                        + " check can read: " + collectors.stream().map(gc -> gc.getName()).toList()
                        + " (G1, Parallel and Serial GC do)"));
        for (int attempt = 0; attempt < 3; attempt++) {
            long before = collector.getCollectionCount();
            memory.gc();
            GcInfo full = collector.getLastGcInfo();
            if (full != null && collector.getCollectionCount() > before) {
                liveHeapBytes.add(heapAfter(full));
                sample();
                return;
            }
        }
        liveHeapRequestsMissed++;
        sample();
    }

    /** How many {@link #sampleLiveHeap()} calls since {@link #start()} got no full collection. */
    int liveHeapRequestsMissed() {
        return liveHeapRequestsMissed;
    }

    /**
     * CPU time per thread of the threads started since {@link #start()}: the variant's own (Flink's task, network and
     * RocksDB threads, or Kafka Streams' stream threads and their clients), not the broker's, the registry's or this
     * measuring loop's, which all started before. PostgreSQL is a separate process and never counted.
     */
    ThreadCpu variantThreadCpu() {
        long[] ids = Arrays.stream(threads.getAllThreadIds()).filter(id -> !threadsBefore.contains(id)).toArray();
        long[] nanos = threads.getThreadCpuTime(ids);
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (nanos[i] >= 0 && infos[i] != null && !isInputWriter(infos[i])) {
                cpu.put(ids[i], nanos[i]);
                names.put(ids[i], infos[i].getThreadName());
            }
        }
        return new ThreadCpu(cpu, names);
    }

    /** The paced generator's thread and its Kafka producer's (transactional id trendstream-generator-*) write the input. */
    private static boolean isInputWriter(ThreadInfo thread) {
        return thread.getThreadName().contains("generator");
    }

    /** The largest heap in use right after a collection during the variant (0 if none ran): the peak live heap. */
    long peakHeapAfterGcBytes() {
        return peakHeapAfterGcBytes;
    }

    /** The largest heap in use right after a {@link #sampleLiveHeap()} (0 if none): live data only. */
    long peakLiveHeapBytes() {
        return liveHeapBytes.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** The {@link #sampleLiveHeap()} figures since {@link #start()}, in order. */
    List<Long> liveHeapBytes() {
        return List.copyOf(liveHeapBytes);
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
        for (MemoryPoolMXBean pool : heapPools) {
            sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    long peakRssBytes() {
        return peakRssBytes;
    }

    private long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(jvm.pid()), "status"))) {
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
