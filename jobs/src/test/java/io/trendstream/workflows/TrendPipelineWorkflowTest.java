package io.trendstream.workflows;

import io.trendstream.config.PipelineConfig;
import io.trendstream.jobs.TrendPipelineJob;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's graph as the dashboard shows it, built without a cluster: which operators run together in
 * one task (that is where the network and serialization costs are), and a uid on every operator.
 */
class TrendPipelineWorkflowTest {

    private static StreamExecutionEnvironment definedJob() {
        PipelineConfig config = PipelineConfig.resolve(new String[] {
                "--kafka.bootstrap-servers", "localhost:9092",
                "--schema-registry.url", "http://localhost:8085",
                "--jdbc.url", "jdbc:postgresql://localhost:5432/trendstream"}, Map.of(), new Configuration());
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
                "Source: Kafka: orders -> Route dead letters: orders -> Order lines to product activity"
                        + " -> Bundle orders per product window",
                "Source: Kafka: product views -> Route dead letters: views -> View to product activity"
                        + " -> Bundle views per product window");
    }

    @Test
    void theWindowTaskKeepsItsWatermarkAndWritesItsRowsAndLateEventsInTheSameTask() {
        assertThat(taskNames()).anySatisfy(name -> assertThat(name)
                .startsWith("Keep the watermark across restarts -> Window per product (5 min, each event once)")
                .contains("Describe late events", "Database: product_window_stats: Writer", "Database: late_events: Writer"));
    }

    @Test
    void everyOperatorHasAUid() {
        StreamGraph graph = definedJob().getStreamGraph();
        assertThat(graph.getStreamNodes())
                .allSatisfy(node -> assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotBlank());
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getTransformationUID).doesNotHaveDuplicates();
    }
}
