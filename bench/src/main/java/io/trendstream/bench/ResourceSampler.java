package io.trendstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process CPU time and memory of this JVM, which hosts the broker, the registry, the MiniCluster or Kafka Streams
 * app and the probes. PostgreSQL is a separate process and is not included.
 */
final class ResourceSampler {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuStartNanos;
    private long peakRssBytes;

    /** Starts a variant: CPU baseline, and the heap pools' peaks reset. */
    void start() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        cpuStartNanos = os.getProcessCpuTime();
        peakRssBytes = 0;
        sample();
    }

    /** Called by the variant's polling loop: RSS has no resettable peak, so it is sampled. */
    void sample() {
        peakRssBytes = Math.max(peakRssBytes, rssBytes());
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
