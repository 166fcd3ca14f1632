package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ProductActivity;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A measurement, not a test: the heap the window stage needs for skewed input, one product with 90 % of the
 * activity, at a given input size. Run it once per size and stage in a fresh JVM and compare (issue 12, point 5:
 * peak heap should stay flat while the input grows 10x):
 *
 * <pre>
 * java -Xmx2g -cp … io.trendstream.functions.WindowHeapProbe [activities] [stage] [backend]
 *   activities  total input, spread over 4 one-minute windows (default 1,000,000)
 *   stage       distinct: the job's window operator (default); bundles: the list-state window of versions before 2026-11-30
 *   backend     rocksdb (default, the job's) or heap
 * </pre>
 *
 * Feeds the operator through Flink's test harness in bundles of 10,000 (a tenth of the job's {@code window.bundle-size}),
 * one event in ten a retry, and advances the watermark past each window's end, so every window fires. Prints the
 * peak heap after a garbage collection (live data plus the old-generation garbage young collections leave: an
 * upper bound, best read with a small {@code -Xmx}, or as whether the run fits in it at all), the peak heap used as
 * the JVM's memory pools report it, and the rate. Numbers from a shared machine are rough; compare runs made one
 * after another. The harness runs the operator alone: no network, no checkpoints, no sources, RocksDB with
 * Flink's defaults (not the job's options).
 */
public final class WindowHeapProbe {

    private static final WindowSettings SETTINGS = new WindowSettings(
            Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(1));
    private static final OutputTag<ActivityBundle> LATE = new OutputTag<>("late-activity") {};
    private static final int WINDOWS = 4;
    private static final int BUNDLE_SIZE = 10_000;
    private static final int OTHER_PRODUCTS = 100;
    private static final String HOT = "hot-product";

    private WindowHeapProbe() {}

    public static void main(String[] args) throws Exception {
        long activities = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000;
        String stage = args.length > 1 ? args[1] : "distinct";
        String backend = args.length > 2 ? args[2] : "rocksdb";

        AtomicLong peakAfterGc = new AtomicLong();
        watchLiveHeap(peakAfterGc);
        long[] fired = new long[1];
        long windowStart0 = 1_795_341_600_000L;
        long started;
        try (KeyedOneInputStreamOperatorTestHarness<String, ActivityBundle, WindowAggregate> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(operator(stage), ActivityBundle::productId, Types.STRING)) {
            harness.setStateBackend(stateBackend(backend));
            harness.open();
            System.gc();
            peakAfterGc.set(0);
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            started = System.nanoTime();

            SplittableRandom random = new SplittableRandom(42);
            long perWindow = activities / WINDOWS;
            long event = 0;
            for (int w = 0; w < WINDOWS; w++) {
                long windowStart = windowStart0 + w * 60_000L;
                Map<String, List<ProductActivity>> open = new HashMap<>();
                Map<String, ProductActivity> previous = new HashMap<>();
                for (long i = 0; i < perWindow; i++) {
                    String product = random.nextInt(10) < 9 ? HOT : "p-" + random.nextInt(OTHER_PRODUCTS);
                    // One in ten is a retry of the product's previous event: the same record again.
                    ProductActivity activity = random.nextInt(10) == 0 && previous.containsKey(product)
                            ? previous.get(product) : activity(event++, product, windowStart);
                    previous.put(product, activity);
                    List<ProductActivity> bundle = open.computeIfAbsent(product, p -> new ArrayList<>(BUNDLE_SIZE));
                    bundle.add(activity);
                    if (bundle.size() == BUNDLE_SIZE) {
                        send(harness, product, windowStart, bundle);
                    }
                }
                for (Map.Entry<String, List<ProductActivity>> each : open.entrySet()) {
                    send(harness, each.getKey(), windowStart, each.getValue());
                }
                harness.processWatermark(windowStart + 60_000 - 1);
                fired[0] += harness.extractOutputValues().size();
                harness.getOutput().clear();
            }
            harness.processWatermark(Long.MAX_VALUE - 1);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long peakPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        System.out.printf("stage=%s backend=%s activities=%,d windows fired=%d peak live heap=%,d MB peak heap used=%,d MB "
                        + "rate=%,.0f activities/s (%.1f s)%n",
                stage, backend, activities, fired[0], peakAfterGc.get() >> 20, peakPools >> 20, activities / seconds, seconds);
    }

    /** An order or a view with the id {@code id}, made the same way whenever the id comes again (a retry). */
    private static ProductActivity activity(long id, String product, long windowStart) {
        String user = "user-" + (id * 7919 % 5_000_000);
        long time = windowStart + id % 60_000;
        return id % 5 == 0
                ? ProductActivity.order("order-" + id, product, user, time, 1 + (int) (id % 3), 1_999 + id % 100)
                : ProductActivity.view("view-" + id, product, user, time);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ActivityBundle, WindowAggregate> harness,
            String product, long windowStart, List<ProductActivity> activities) throws Exception {
        if (!activities.isEmpty()) {
            harness.processElement(new ActivityBundle(product, windowStart, activities.toArray(ProductActivity[]::new)),
                    windowStart + 59_999);
            activities.clear();
        }
    }

    private static OneInputStreamOperator<ActivityBundle, WindowAggregate> operator(String stage) {
        return switch (stage) {
            case "distinct" -> new ProductWindowOperator(SETTINGS, LATE);
            case "bundles" -> BundleListWindowFunction.windowStage(SETTINGS, LATE, TypeInformation.of(ActivityBundle.class));
            default -> throw new IllegalArgumentException("stage must be distinct or bundles, not " + stage);
        };
    }

    private static StateBackend stateBackend(String backend) {
        return switch (backend) {
            case "rocksdb" -> new EmbeddedRocksDBStateBackend();
            case "heap" -> new HashMapStateBackend();
            default -> throw new IllegalArgumentException("backend must be rocksdb or heap, not " + backend);
        };
    }

    /**
     * Records the heap in use right after each garbage collection (heap pools only, not metaspace or code): the
     * live data at that moment, plus old-generation garbage that a young collection leaves for later.
     */
    private static void watchLiveHeap(AtomicLong peak) {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(pool -> heapPools.contains(pool.getKey()))
                            .mapToLong(pool -> pool.getValue().getUsed()).sum();
                    peak.accumulateAndGet(used, Math::max);
                }
            }, null, null);
        }
    }
}
