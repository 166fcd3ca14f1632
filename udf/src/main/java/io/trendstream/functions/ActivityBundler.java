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

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * to store; when it holds {@code maxActivities}; and at the end of input. So an activity waits at most until its
 * window's end passes, the next checkpoint, or the buffer fills, and never delays a window's result.
 */
public final class ActivityBundler<T> extends AbstractStreamOperator<ActivityBundle>
        implements OneInputStreamOperator<T, ActivityBundle> {
    private static final long serialVersionUID = 1L;

    private final ActivityExtractor<T> extractor;
    private final WindowSettings windows;
    private final int maxActivities;

    /** Per product, its bundles being filled (one per window; more than one only around a window's end). */
    private transient Map<String, Open> open;
    private transient int buffered;
    /** The last millisecond of the earliest window held: a watermark at or past it makes the window operator fire it. */
    private transient long earliestWindowEnd;
    private transient long windowMillis;
    private transient StreamRecord<ActivityBundle> reuse;
    private transient ActivitySink bundling;

    /** A bundle being filled, encoded as it fills, with the latest event time in it (the bundle's timestamp). */
    private static final class Open {
        final ActivityBundle.Builder activities;
        long maxEventTime = Long.MIN_VALUE;
        /** The product's bundle of a later-opened window, if any. */
        Open next;

        Open(String productId, long windowStart) {
            this.activities = new ActivityBundle.Builder(productId, windowStart);
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
        open = new LinkedHashMap<>();
        earliestWindowEnd = Long.MAX_VALUE;
        windowMillis = windows.size().toMillis();
        reuse = new StreamRecord<>(null);
        bundling = new ActivitySink() {
            @Override
            public void view(String productId, String eventId, String userId, long eventTime) {
                bundleOf(productId, eventTime).addView(eventId, userId, eventTime);
                added();
            }

            @Override
            public void order(String productId, String eventId, String userId, long eventTime, int units, long revenueCents) {
                bundleOf(productId, eventTime).addOrder(eventId, userId, eventTime, units, revenueCents);
                added();
            }
        };
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        extractor.extract(element.getValue(), bundling);
    }

    /** The builder of the bundle of {@code productId}'s window at {@code eventTime}, which takes an activity at that time. */
    private ActivityBundle.Builder bundleOf(String productId, long eventTime) {
        long windowStart = windows.windowStart(eventTime);
        Open bundle = open.get(productId);
        if (bundle == null) {
            bundle = openBundle(productId, windowStart);
            open.put(productId, bundle);
        }
        while (bundle.activities.windowStart() != windowStart) {
            if (bundle.next == null) {
                bundle.next = openBundle(productId, windowStart);
            }
            bundle = bundle.next;
        }
        bundle.maxEventTime = Math.max(bundle.maxEventTime, eventTime);
        return bundle.activities;
    }

    private void added() {
        if (++buffered >= maxActivities) {
            flush();
        }
    }

    /** A new bundle, whose window may now be the earliest held. */
    private Open openBundle(String productId, long windowStart) {
        Open bundle = new Open(productId, windowStart);
        earliestWindowEnd = Math.min(earliestWindowEnd, windowEnd(bundle));
        return bundle;
    }

    /** The last millisecond of the bundle's window. */
    private long windowEnd(Open bundle) {
        return bundle.activities.windowStart() + windowMillis - 1;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() >= earliestWindowEnd) {
            sendWindowsEndedBy(mark.getTimestamp());
        }
        super.processWatermark(mark);
    }

    /** Sends the bundles of the windows that end at or before {@code watermark}; the others go on filling. */
    private void sendWindowsEndedBy(long watermark) {
        long earliestKept = Long.MAX_VALUE;
        for (Iterator<Map.Entry<String, Open>> products = open.entrySet().iterator(); products.hasNext(); ) {
            Map.Entry<String, Open> product = products.next();
            Open firstKept = null;
            Open lastKept = null;
            for (Open bundle = product.getValue(), next; bundle != null; bundle = next) {
                next = bundle.next;
                bundle.next = null;
                long windowEnd = windowEnd(bundle);
                if (windowEnd <= watermark) {
                    send(bundle);
                    buffered -= bundle.activities.size();
                } else {
                    if (lastKept == null) {
                        firstKept = bundle;
                    } else {
                        lastKept.next = bundle;
                    }
                    lastKept = bundle;
                    earliestKept = Math.min(earliestKept, windowEnd);
                }
            }
            if (firstKept == null) {
                products.remove();
            } else {
                product.setValue(firstKept);
            }
        }
        earliestWindowEnd = earliestKept;
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
        for (Open first : open.values()) {
            for (Open bundle = first; bundle != null; bundle = bundle.next) {
                send(bundle);
            }
        }
        open.clear();
        buffered = 0;
        earliestWindowEnd = Long.MAX_VALUE;
    }

    private void send(Open bundle) {
        output.collect(reuse.replace(bundle.activities.build(), bundle.maxEventTime));
    }
}
