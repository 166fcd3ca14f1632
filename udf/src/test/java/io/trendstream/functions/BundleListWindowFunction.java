package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.Arrays;

/**
 * The window function of the versions before 2026-11-30, when the window stage was Flink's window operator
 * keeping every bundle as list state ({@code window-contents}) and counting each event once when it fired.
 * Kept to write savepoints in that format (their restore is specified in {@link ProductWindowTest}) and to
 * compare the heap it needs with {@link ProductWindowOperator}'s ({@link WindowHeapProbe}).
 */
final class BundleListWindowFunction
        extends ProcessWindowFunction<ActivityBundle, WindowAggregate, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    /**
     * The window stage of those versions: Flink's window operator with tumbling event-time windows, the allowed
     * lateness, late data to {@code lateTag}, and this function, with bundles typed as {@code bundleType}.
     */
    static OneInputStreamOperator<ActivityBundle, WindowAggregate> windowStage(WindowSettings settings,
            OutputTag<ActivityBundle> lateTag, TypeInformation<ActivityBundle> bundleType) {
        TumblingEventTimeWindows assigner = TumblingEventTimeWindows.of(settings.size());
        WindowOperatorBuilder<ActivityBundle, String, TimeWindow> builder = new WindowOperatorBuilder<>(
                assigner, assigner.getDefaultTrigger(), new ExecutionConfig(),
                bundleType, ActivityBundle::productId, Types.STRING);
        builder.allowedLateness(settings.allowedLateness());
        builder.sideOutputLateData(lateTag);
        return builder.process(new BundleListWindowFunction());
    }

    @Override
    public void process(String productId, Context context, Iterable<ActivityBundle> bundles, Collector<WindowAggregate> out)
            throws Exception {
        DistinctActivity distinct = new DistinctActivity(DistinctActivity.count(bundles));
        distinct.add(bundles);
        TimeWindow window = context.window();
        WindowAggregate aggregate = distinct.aggregate(productId, window);
        long[] duplicates = {distinct.received[ActivityKind.ORDER.ordinal()] - aggregate.orders(),
                distinct.received[ActivityKind.VIEW.ordinal()] - aggregate.views()};
        reportDuplicates(context, duplicates);
        out.collect(aggregate);
    }

    /** Keeps the duplicates reported, as those versions did (their metrics are left out here). */
    private void reportDuplicates(Context context, long[] duplicates) throws Exception {
        if (Arrays.stream(duplicates).allMatch(n -> n == 0)) {
            return; // the usual case: no state access at all
        }
        context.windowState().getState(WindowContents.REPORTED_DUPLICATES_DESCRIPTOR).update(duplicates);
    }

    @Override
    public void clear(Context context) {
        context.windowState().getState(WindowContents.REPORTED_DUPLICATES_DESCRIPTOR).clear();
    }
}
