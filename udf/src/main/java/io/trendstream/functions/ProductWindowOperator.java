package io.trendstream.functions;

import io.trendstream.config.WindowMemory;
import io.trendstream.config.WindowSettings;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalMapState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;


import java.util.EnumMap;
import java.util.Map;

/**
 * The per-product tumbling event-time window, counting each event once: fires when the watermark passes the
 * window's end and again for every bundle that arrives within the allowed lateness, each time with the complete
 * totals; sends a bundle whose window is closed for good to the late output. Also reports how far the
 * event-time watermark trails the wall clock, and the retries it left out ({@code duplicatesDropped{source}}).
 *
 * <p>Deduplication happens here, by event id among the window's activity of the same kind: a retried event is the
 * same record with the same event time, so it always lands in the same product's window as the original, and a
 * retry after the window closed is late like any other event. A window's activity is kept by {@link WindowContents}:
 * it appends bundles as they come and, once it holds more than a bounded number of activities, folds them into sorted
 * runs of its distinct events and users, so its state and the heap a firing needs stay bounded by the distinct
 * events, however many retries or activities arrive, without a state read per event.
 *
 * <p>It fires, cleans up and decides lateness exactly as Flink's {@code WindowOperator} with
 * {@code TumblingEventTimeWindows}, the {@code EventTimeTrigger}, allowed lateness and a late-data side output,
 * which ran this stage before, and it keeps that operator's timers ({@value #TIMERS}, namespace
 * {@link TimeWindow}) and its list of bundles per window: so a savepoint of that version restores with its open
 * windows, which fire complete.
 */
public final class ProductWindowOperator extends AbstractStreamOperator<WindowAggregate>
        implements OneInputStreamOperator<ActivityBundle, WindowAggregate>, Triggerable<String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    /** The timer service's name, as Flink's window operator named it. */
    static final String TIMERS = "window-timers";

    private final long sizeMillis;
    private final long allowedLatenessMillis;
    private final OutputTag<ActivityBundle> lateOutput;
    private final WindowMemory memory;

    private transient InternalTimerService<TimeWindow> timers;
    private transient WindowContents contents;
    private transient volatile long lastWatermark;
    private transient Map<ActivityKind, Counter> duplicatesDropped;
    private transient boolean restored;

    public ProductWindowOperator(WindowSettings settings, OutputTag<ActivityBundle> lateOutput) {
        this(settings, WindowMemory.defaults(), lateOutput);
    }

    /**
     * @param memory how many activities a window holds as bundles before it folds them ({@link WindowMemory#foldAfter}),
     *     and how many activities and windows it holds on the heap between snapshots
     */
    public ProductWindowOperator(WindowSettings settings, WindowMemory memory, OutputTag<ActivityBundle> lateOutput) {
        this.sizeMillis = settings.size().toMillis();
        this.allowedLatenessMillis = settings.allowedLateness().toMillis();
        this.lateOutput = lateOutput;
        this.memory = memory;
    }

    @VisibleForTesting
    public WindowMemory memory() {
        return memory;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        lastWatermark = Long.MIN_VALUE;
        MetricGroup metrics = getMetricGroup().addGroup(PipelineMetrics.GROUP);
        metrics.gauge(PipelineMetrics.WATERMARK_LAG_MS, (Gauge<Long>) () ->
                lastWatermark == Long.MIN_VALUE ? 0L : Math.max(0L, System.currentTimeMillis() - lastWatermark));
        duplicatesDropped = new EnumMap<>(ActivityKind.class);
        for (ActivityKind kind : ActivityKind.values()) {
            duplicatesDropped.put(kind, metrics.addGroup(PipelineMetrics.SOURCE_LABEL, PipelineMetrics.sourceOf(kind))
                    .counter(PipelineMetrics.DUPLICATES_DROPPED));
        }

        TimeWindow.Serializer windows = new TimeWindow.Serializer();
        timers = getInternalTimerService(TIMERS, windows, this);
        HeldWindows held = new HeldWindows(
                (InternalValueState<String, TimeWindow, long[]>) getOrCreateKeyedState(windows, WindowContents.COUNTS_DESCRIPTOR),
                (InternalListState<String, TimeWindow, ActivityBundle>) getOrCreateKeyedState(windows, WindowContents.BUNDLES_DESCRIPTOR),
                this, memory.heldWindows(), memory.heldActivities());
        if (restored) {
            // Every window with state has a cleanup timer: the restored windows end by the latest of them.
            timers.forEachEventTimeTimer((window, timestamp) -> held.mayBeStoredUntil(window.getEnd()));
        }
        contents = new WindowContents(
                new FoldedRuns((InternalMapState<String, TimeWindow, Long, byte[]>) getOrCreateKeyedState(windows, FoldedRuns.DESCRIPTOR)),
                (InternalMapState<String, TimeWindow, String, long[]>) getOrCreateKeyedState(windows, WindowContents.ORDERS_DESCRIPTOR),
                (InternalMapState<String, TimeWindow, String, Boolean>) getOrCreateKeyedState(windows, WindowContents.VIEWS_DESCRIPTOR),
                (InternalMapState<String, TimeWindow, String, Boolean>) getOrCreateKeyedState(windows, WindowContents.USERS_DESCRIPTOR),
                (InternalValueState<String, TimeWindow, long[]>) getOrCreateKeyedState(windows, WindowContents.REPORTED_DUPLICATES_DESCRIPTOR),
                held, memory.foldAfter());
    }

    @Override
    public void processElement(StreamRecord<ActivityBundle> element) throws Exception {
        ActivityBundle bundle = element.getValue();
        TimeWindow window = new TimeWindow(bundle.windowStart(), bundle.windowStart() + sizeMillis);
        long watermark = timers.currentWatermark();
        if (cleanupTime(window) <= watermark) {
            output.collect(lateOutput, element);
            return;
        }
        // A window's timers are registered with its first bundle: each registration is a lookup in the timer queue,
        // and a window gets many bundles (the benchmark's profile, bench/README.md).
        boolean first = contents.add(window, bundle);
        if (window.maxTimestamp() <= watermark) {
            fire(window, false); // late, within the allowed lateness: the row is replaced with complete totals
        } else if (first) {
            timers.registerEventTimeTimer(window, window.maxTimestamp());
        }
        if (first && cleanupTime(window) != Long.MAX_VALUE) {
            timers.registerEventTimeTimer(window, cleanupTime(window));
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, TimeWindow> timer) throws Exception {
        TimeWindow window = timer.getNamespace();
        if (timer.getTimestamp() == window.maxTimestamp()) {
            fire(window, true);
        }
        if (timer.getTimestamp() == cleanupTime(window)) {
            contents.clear(window);
            timers.deleteEventTimeTimer(window, window.maxTimestamp());
        }
    }

    /** What the window contents hold on the heap goes into the snapshot. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        contents.persist();
        super.snapshotState(context);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, TimeWindow> timer) {
        // no processing-time timers
    }

    /**
     * @param onTime the firing by the window's timer at its end: the first, as the timer fires before any bundle can
     *     find the window's end passed, so no firing reported duplicates before it
     */
    private void fire(TimeWindow window, boolean onTime) throws Exception {
        lastWatermark = timers.currentWatermark();
        WindowContents.Fired fired = contents.fire((String) getCurrentKey(), window);
        if (fired == null) {
            return; // nothing reached this window
        }
        reportDuplicates(window, fired.received(), fired.aggregate(), onTime);
        output.collect(new StreamRecord<>(fired.aggregate(), window.maxTimestamp()));
    }

    private void reportDuplicates(TimeWindow window, long[] received, WindowAggregate aggregate, boolean onTime)
            throws Exception {
        long[] duplicates = new long[received.length];
        duplicates[ActivityKind.ORDER.ordinal()] = received[ActivityKind.ORDER.ordinal()] - aggregate.orders();
        duplicates[ActivityKind.VIEW.ordinal()] = received[ActivityKind.VIEW.ordinal()] - aggregate.views();
        if (duplicates[0] == 0 && duplicates[1] == 0) {
            return; // nothing to report, nothing to keep
        }
        long[] before = onTime ? null : contents.reportedDuplicates(window);
        for (ActivityKind kind : ActivityKind.values()) {
            duplicatesDropped.get(kind).inc(duplicates[kind.ordinal()] - (before == null ? 0 : before[kind.ordinal()]));
        }
        contents.reportDuplicates(window, duplicates);
    }

    /** The first watermark at which the window is closed for good: its last millisecond plus the allowed lateness. */
    private long cleanupTime(TimeWindow window) {
        long cleanup = window.maxTimestamp() + allowedLatenessMillis;
        return cleanup >= window.maxTimestamp() ? cleanup : Long.MAX_VALUE;
    }
}
