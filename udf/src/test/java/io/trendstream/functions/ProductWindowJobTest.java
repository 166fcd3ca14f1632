package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.LateEvent;
import io.trendstream.records.ProductActivity;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.OutputTag;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window stage wired with the DataStream API, as in the job, on a mini cluster: checks that the
 * functions' types work outside a harness and that lateness routing and the late-event recorder
 * behave end to end. Watermarks follow every event (bounded out-of-orderness), so the run is
 * deterministic.
 */
class ProductWindowJobTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final WindowSettings SETTINGS = new WindowSettings(
            Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(1));
    private static final OutputTag<ActivityBundle> LATE = new OutputTag<>("late-activity") {};

    private static final long W0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    private static final long W1 = W0 + 60_000;
    private static final long W2 = W1 + 60_000;
    private static final long OOO = SETTINGS.outOfOrderness().toMillis();

    /** Bounded out-of-orderness, but emitting a watermark after every event instead of periodically. */
    static final class PerEventWatermarks implements WatermarkGenerator<ProductActivity> {
        private long maxTimestamp = Long.MIN_VALUE + OOO + 1;

        @Override
        public void onEvent(ProductActivity event, long eventTimestamp, WatermarkOutput output) {
            maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
            output.emitWatermark(new Watermark(maxTimestamp - OOO - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    @Test
    void aggregatesReFiresWithinTheLatenessAndRecordsWhatIsLaterStill() throws Exception {
        List<ProductActivity> events = List.of(
                ProductActivity.order("o-1", "p-1", "u-1", W0 + 1_000, 2, 3_998),
                ProductActivity.view("v-1", "p-1", "u-2", W0 + 2_000),
                ProductActivity.view("v-2", "p-2", "u-3", W0 + 3_000),
                ProductActivity.order("o-2", "p-1", "u-1", W1 + 10_000, 1, 500), // watermark W1+4999: W0 fires
                ProductActivity.order("o-3", "p-1", "u-4", W0 + 30_000, 1, 1_999), // late, within lateness: re-fire
                ProductActivity.view("v-3", "p-1", "u-1", W1 + 30_000), // watermark W1+24999: W0 closed for good
                ProductActivity.order("o-4", "p-1", "u-5", W0 + 40_000, 3, 300)); // too late

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SingleOutputStreamOperator<WindowAggregate> windows = env.fromData(events)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<ProductActivity>forGenerator(ctx -> new PerEventWatermarks())
                        .withTimestampAssigner((activity, ts) -> activity.eventTime()))
                .transform("bundle", TypeInformation.of(ActivityBundle.class), ActivityBundler.ofActivities(SETTINGS, 1_000))
                .keyBy(ActivityBundle::productId)
                .transform("window", TypeInformation.of(WindowAggregate.class), new ProductWindowOperator(SETTINGS, LATE));
        DataStream<LateEvent> late = windows.getSideOutput(LATE).process(new LateEventRecorder(SETTINGS));

        List<String> out = windows.map(WindowAggregate::toString)
                .union(late.map(LateEvent::toString))
                .executeAndCollect(100);

        List<String> aggregates = out.stream().filter(s -> s.startsWith("WindowAggregate")).toList();
        List<String> lateEvents = out.stream().filter(s -> s.startsWith("LateEvent")).toList();
        assertThat(aggregates).containsExactlyInAnyOrder(
                new WindowAggregate("p-1", W0, W1, 1, 2, 3_998, 2, 1).toString(),
                new WindowAggregate("p-2", W0, W1, 0, 0, 0, 1, 1).toString(),
                new WindowAggregate("p-1", W0, W1, 2, 3, 5_997, 3, 1).toString(),
                new WindowAggregate("p-1", W1, W2, 1, 1, 500, 1, 1).toString());
        assertThat(aggregates.stream().filter(s -> s.contains("productId=p-1, windowStart=" + W0 + ",")))
                .containsExactly(
                        new WindowAggregate("p-1", W0, W1, 1, 2, 3_998, 2, 1).toString(),
                        new WindowAggregate("p-1", W0, W1, 2, 3, 5_997, 3, 1).toString());
        assertThat(lateEvents).containsExactly(
                new LateEvent("o-4", "p-1", ActivityKind.ORDER, W0 + 40_000, W0, 3, 300, W1 + 30_000 - OOO - 1).toString());
    }
}
