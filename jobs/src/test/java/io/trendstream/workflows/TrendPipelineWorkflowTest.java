package io.trendstream.workflows;

import io.trendstream.config.PipelineConfig;
import io.trendstream.config.WatermarkAlignment;
import io.trendstream.config.WindowMemory;
import io.trendstream.config.WindowSettings;
import io.trendstream.events.DeadLetter;
import io.trendstream.events.OrderEvent;
import io.trendstream.functions.ActivityBundler;
import io.trendstream.functions.ProductWindowOperator;
import io.trendstream.jobs.TrendPipelineJob;
import io.trendstream.records.Ingested;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkAlignmentParams;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.SourceTransformation;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's graph as the dashboard shows it, built without a cluster: which operators run together in
 * one task (that is where the network and serialization costs are), and a uid on every operator.
 */
class TrendPipelineWorkflowTest {

    private static StreamExecutionEnvironment definedJob(String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers", "localhost:9092",
                "--schema-registry.url", "http://localhost:8085",
                "--jdbc.url", "jdbc:postgresql://localhost:5432/trendstream"));
        args.addAll(List.of(settings));
        PipelineConfig config = PipelineConfig.resolve(args.toArray(String[]::new), Map.of(), new Configuration());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TrendPipelineJob.defineJob(env, config);
        return env;
    }

    private static List<String> taskNames() {
        JobGraph graph = definedJob().getStreamGraph().getJobGraph();
        return StreamSupport.stream(graph.getVertices().spliterator(), false).map(JobVertex::getName).toList();
    }

    @Test
    void eachSourceTaskDecodesRoutesAndBundlesBeforeTheOnlyShuffleToTheWindows() {
        assertThat(taskNames()).contains(
                "Source: Kafka: orders -> Route dead letters: orders -> Bundle order lines per product window",
                "Source: Kafka: product views -> Route dead letters: views -> Bundle views per product window");
    }

    @Test
    void theWindowTaskKeepsItsWatermarkAndWritesItsRowsAndLateEventsInTheSameTask() {
        assertThat(taskNames()).anySatisfy(name -> assertThat(name)
                .startsWith("Keep the watermark across restarts -> Window per product (5 min, each event once)")
                .contains("Describe late events", "Database: product_window_stats: Writer", "Database: late_events: Writer"));
    }

    @Test
    void theStagesKeyedByProductAfterTheWindowsTakeTheRowsWhereTheyAreWithoutASecondShuffle() {
        JobGraph graph = definedJob().getStreamGraph().getJobGraph();
        JobVertex windows = StreamSupport.stream(graph.getVertices().spliterator(), false)
                .filter(vertex -> vertex.getName().contains("Window per product")).findFirst().orElseThrow();
        JobVertex enrichment = StreamSupport.stream(graph.getVertices().spliterator(), false)
                .filter(vertex -> vertex.getName().startsWith("Enrich windows with the catalog")).findFirst().orElseThrow();

        assertThat(windows.getName()).contains("Detect trends (EMA)");
        assertThat(enrichment.getInputs())
                .filteredOn(edge -> edge.getSource().getProducer().equals(windows))
                .singleElement()
                .satisfies(edge -> assertThat(edge.getShipStrategyName()).isEqualTo("FORWARD"));
    }

    @Test
    void theWindowMemorySettingsReachTheBundlersAndTheWindowOperator() {
        StreamGraph graph = definedJob("--window.bundle-size", "7", "--window.fold-after", "3",
                "--window.held-activities", "11", "--window.held-windows", "13").getStreamGraph();
        List<Object> operators = graph.getStreamNodes().stream()
                .<Object>map(node -> node.getOperatorFactory() instanceof SimpleOperatorFactory<?> simple ? simple.getOperator() : null)
                .toList();

        assertThat(operators).filteredOn(ActivityBundler.class::isInstance).hasSize(2)
                .allSatisfy(bundler -> assertThat(((ActivityBundler<?>) bundler).maxActivities()).isEqualTo(7));
        assertThat(operators).filteredOn(ProductWindowOperator.class::isInstance).singleElement()
                .satisfies(window -> assertThat(((ProductWindowOperator) window).memory())
                        .isEqualTo(new WindowMemory(7, 3, 11, 13)));
    }

    @Test
    void theOrdersAndViewsSourcesAlignTheirEventTimeAndTheCatalogDoesNot() {
        Map<String, WatermarkAlignmentParams> alignment = sourceAlignment(definedJob(
                "--watermark.alignment.max-drift", "3 min", "--watermark.alignment.update-interval", "250 ms"));

        assertThat(List.of(alignment.get("Kafka: orders"), alignment.get("Kafka: product views"))).allSatisfy(params -> {
            assertThat(params.isEnabled()).isTrue();
            assertThat(params.getWatermarkGroup()).isEqualTo(WatermarkAlignment.GROUP);
            assertThat(params.getMaxAllowedWatermarkDrift()).isEqualTo(180_000L);
            assertThat(params.getUpdateInterval()).isEqualTo(250L);
        });
        assertThat(alignment.get("Kafka: products").isEnabled()).isFalse();
    }

    @Test
    void aDriftOfZeroTurnsAlignmentOff() {
        assertThat(sourceAlignment(definedJob("--watermark.alignment.max-drift", "0 s")).values())
                .hasSize(3).noneMatch(WatermarkAlignmentParams::isEnabled);
    }

    /** Each source's watermark alignment, by the source's name. */
    private static Map<String, WatermarkAlignmentParams> sourceAlignment(StreamExecutionEnvironment env) {
        return env.getTransformations().stream()
                .flatMap(t -> t.getTransitivePredecessors().stream())
                .filter(SourceTransformation.class::isInstance)
                .map(SourceTransformation.class::cast)
                .distinct()
                .collect(Collectors.toMap(Transformation::getName, s -> s.getWatermarkStrategy().getAlignmentParameters()));
    }

    // ------------------------------------------------------------------ watermarks

    private static final Duration IDLENESS = Duration.ofMinutes(1);

    /** A source split's watermark generator, with the clock its idleness is measured on. */
    private static WatermarkGenerator<Ingested<OrderEvent>> splitWatermarks(ManualClock clock) {
        WindowSettings windows = new WindowSettings(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(5), IDLENESS);
        return TrendPipelineWorkflow.<OrderEvent>watermarks(windows).createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return clock;
            }
        });
    }

    /** What a split's generator told its output last. */
    private static final class LastOutput implements WatermarkOutput {
        Long watermark;
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            this.watermark = watermark.getTimestamp();
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }

    private static Ingested<OrderEvent> deadLetter() {
        return Ingested.failed(DeadLetter.newBuilder().setReason("NOT_WIRE_FORMAT").setDetail("garbage")
                .setSourceTopic("orders").setSourcePartition(0).setSourceOffset(0).setSourceTimestamp(Instant.EPOCH).build());
    }

    @Test
    void aPartitionThatReceivesOnlyDeadLettersGoesIdleAndStopsHoldingBackTheWatermark() {
        ManualClock clock = new ManualClock();
        WatermarkGenerator<Ingested<OrderEvent>> generator = splitWatermarks(clock);
        LastOutput output = new LastOutput();

        generator.onPeriodicEmit(output);
        for (int i = 0; i < 3; i++) {
            generator.onEvent(deadLetter(), Ingested.NO_EVENT_TIME, output);
            clock.advanceTime(IDLENESS.plusSeconds(1));
            generator.onPeriodicEmit(output);
        }

        assertThat(output.idle).as("idle after a minute of nothing but dead letters").isTrue();
    }

    @Test
    void deadLettersNeverAdvanceTheWatermarkAndValidEventsStill() {
        ManualClock clock = new ManualClock();
        WatermarkGenerator<Ingested<OrderEvent>> generator = splitWatermarks(clock);
        LastOutput output = new LastOutput();
        long eventTime = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

        generator.onEvent(Ingested.of(null, eventTime), eventTime, output);
        generator.onEvent(deadLetter(), Ingested.NO_EVENT_TIME, output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermark).isEqualTo(eventTime - 5_000 - 1);
        assertThat(output.idle).isFalse();
    }

    @Test
    void everyOperatorHasAUid() {
        StreamGraph graph = definedJob().getStreamGraph();
        assertThat(graph.getStreamNodes())
                .allSatisfy(node -> assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotBlank());
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getTransformationUID).doesNotHaveDuplicates();
    }
}
