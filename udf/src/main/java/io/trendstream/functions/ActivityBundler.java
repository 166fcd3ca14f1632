package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivitySink;
import io.trendstream.records.ProductActivity;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Collects the activity of events ({@link ActivityExtractor}) per (product, window) in the source task, encoding it
 * into bundles as it is read, and sends it on as {@link ActivityBundle}s, so that the keyed window operator handles
 * one record, one state append and one trigger call per bundle instead of per event (the benchmark's profile:
 * bench/README.md).
 *
 * <p>Changes nothing about results or guarantees. Before a watermark that reaches the end of a window it holds
 * activity of, it sends that window's bundles, and before its source is marked idle, everything: until then the
 * window operator can neither fire nor close those windows, so it counts the activity and decides lateness as without
 * bundling. The bundles of windows the watermark has not ended go on filling: in a replay the watermark passes a
 * window's end several times a second, and cutting every bundle at each of them would leave a few activities a
 * bundle. It also sends everything before every checkpoint barrier, so it holds nothing that a checkpoint would have
 * to store; when it holds {@code maxActivities}; one bundle when it reaches {@link #MAX_BUNDLE_BYTES}; and at the end
 * of input. So an activity waits at most until its window's end passes, the next checkpoint, or the buffer fills, and
 * never delays a window's result.
 */
public final class ActivityBundler<T> extends AbstractStreamOperator<ActivityBundle>
        implements OneInputStreamOperator<T, ActivityBundle> {
    private static final long serialVersionUID = 1L;

    /**
     * Bundles sent keep their buffers for the bundles opened next: at most this many, each of at most
     * {@link #SPARE_CAPACITY} bytes (so at most 8 MB a subtask). A buffer lives from a bundle's first activity until
     * its window ends or a checkpoint comes, long enough for the garbage collector to copy it, and grows by doubling
     * as it fills: growing fresh buffers was a tenth of what the source and window tasks allocated (bench/README.md).
     */
    private static final int MAX_SPARE = 1_024;
    private static final int SPARE_CAPACITY = 8 * 1_024;

    /**
     * A product's bundle is sent once its activities take this many bytes, and the product's next activity in the
     * window opens another: where one product has most of the traffic, its bundle would otherwise grow towards
     * {@code window.bundle-size} activities (megabytes), and the buffers that serialize network records keep the
     * largest they ever held (the heap check, bench/README.md). Two network buffers' worth; a bundle of an evenly
     * spread stream stays well below it.
     */
    @VisibleForTesting
    static final int MAX_BUNDLE_BYTES = 64 * 1_024;

    private final ActivityExtractor<T> extractor;
    private final WindowSettings windows;
    private final int maxActivities;

    /**
     * The bundles being filled, per window (by its start, earliest first) and product. By window first: a watermark
     * sends the earliest windows, and in a replay a source subtask's partitions are minutes of event time apart, so
     * each product has many windows open, of which an activity's is found in one lookup.
     */
    private transient NavigableMap<Long, Map<String, Open>> open;
    /** The window of the last activity and its bundles: a source emits its records a partition's batch at a time. */
    private transient long lastWindowStart;
    private transient Map<String, Open> lastWindow;
    private transient int buffered;
    private transient long windowMillis;
    private transient StreamRecord<ActivityBundle> reuse;
    private transient ActivitySink bundling;
    /** Bundles sent, whose builders the next bundles opened reuse. */
    private transient ArrayDeque<Open> spare;

    /** A bundle being filled, encoded as it fills, with the latest event time in it (the bundle's timestamp). */
    private static final class Open {
        final ActivityBundle.Builder activities;
        long maxEventTime = Long.MIN_VALUE;

        Open(String productId, long windowStart) {
            this.activities = new ActivityBundle.Builder(productId, windowStart);
        }

        Open reset(String productId, long windowStart) {
            activities.reset(productId, windowStart);
            maxEventTime = Long.MIN_VALUE;
            return this;
        }
    }

    /**
     * @param extractor the activity of an input event
     * @param maxActivities how many activities a source subtask holds at most before it sends them on
     *     ({@code window.bundle-size})
     */
    public ActivityBundler(ActivityExtractor<T> extractor, WindowSettings windows, int maxActivities) {
        if (maxActivities < 1) {
            throw new IllegalArgumentException("maxActivities must be at least 1, was " + maxActivities);
        }
        this.extractor = extractor;
        this.windows = windows;
        this.maxActivities = maxActivities;
    }

    @VisibleForTesting
    public int maxActivities() {
        return maxActivities;
    }

    /** A bundler of a stream of activities. */
    public static ActivityBundler<ProductActivity> ofActivities(WindowSettings windows, int maxActivities) {
        return new ActivityBundler<>(ProductActivity::writeTo, windows, maxActivities);
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new TreeMap<>();
        lastWindow = null;
        windowMillis = windows.size().toMillis();
        reuse = new StreamRecord<>(null);
        spare = new ArrayDeque<>();
        bundling = new ActivitySink() {
            @Override
            public void view(String productId, String eventId, String userId, long eventTime) {
                Open bundle = bundleOf(productId, eventTime);
                bundle.activities.addView(eventId, userId, eventTime);
                added(productId, bundle);
            }

            @Override
            public void order(String productId, String eventId, String userId, long eventTime, int units, long revenueCents) {
                Open bundle = bundleOf(productId, eventTime);
                bundle.activities.addOrder(eventId, userId, eventTime, units, revenueCents);
                added(productId, bundle);
            }
        };
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        extractor.extract(element.getValue(), bundling);
    }

    /** The bundle of {@code productId}'s window at {@code eventTime}, which takes an activity at that time. */
    private Open bundleOf(String productId, long eventTime) {
        long windowStart = windows.windowStart(eventTime);
        if (lastWindow == null || windowStart != lastWindowStart) {
            lastWindow = open.get(windowStart);
            if (lastWindow == null) {
                lastWindow = new LinkedHashMap<>();
                open.put(windowStart, lastWindow);
            }
            lastWindowStart = windowStart;
        }
        Open bundle = lastWindow.get(productId);
        if (bundle == null) {
            Open reused = spare.poll();
            bundle = reused == null ? new Open(productId, windowStart) : reused.reset(productId, windowStart);
            lastWindow.put(productId, bundle);
        }
        bundle.maxEventTime = Math.max(bundle.maxEventTime, eventTime);
        return bundle;
    }

    /** After {@code bundle}, of {@code productId} in the last window, took an activity. */
    private void added(String productId, Open bundle) {
        buffered++;
        if (bundle.activities.encodedBytes() >= MAX_BUNDLE_BYTES) {
            lastWindow.remove(productId);
            send(bundle); // the product's next activity in this window opens another bundle
        }
        if (buffered >= maxActivities) {
            flush();
        }
    }

    /**
     * Sends the bundles of the windows that end at or before the watermark (a watermark at or past a window's last
     * millisecond makes the window operator fire it); the others go on filling.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        while (!open.isEmpty() && open.firstKey() + windowMillis - 1 <= mark.getTimestamp()) {
            send(open.pollFirstEntry().getValue());
        }
        super.processWatermark(mark);
    }

    /** An idle input no longer holds the watermark back downstream: what it holds must be there first. */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        flush();
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        if (buffered == 0) {
            return;
        }
        for (Map<String, Open> window : open.values()) {
            send(window);
        }
        open.clear();
    }

    /** Sends a window's bundles, which leave the bundler. */
    private void send(Map<String, Open> window) {
        for (Open bundle : window.values()) {
            send(bundle);
        }
        if (window == lastWindow) {
            lastWindow = null;
        }
    }

    private void send(Open bundle) {
        output.collect(reuse.replace(bundle.activities.build(), bundle.maxEventTime));
        buffered -= bundle.activities.size();
        if (spare.size() < MAX_SPARE && bundle.activities.capacity() <= SPARE_CAPACITY) {
            spare.push(bundle);
        }
    }
}
