package io.trendstream.testing;

import io.trendstream.metrics.PipelineMetrics;

import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Captures the metrics an operator registers, so that a test can read a counter by its name and
 * label the way the Prometheus reporter would see it. Pass {@link #environment()} to a harness.
 */
public final class CapturedMetrics {

    private record Registered(Metric metric, String name, Map<String, String> variables, String identifier) {}

    private final List<Registered> registered = new CopyOnWriteArrayList<>();
    private final TaskMetricGroup taskGroup;

    public CapturedMetrics() {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> registered.add(
                        new Registered(metric, name, group.getAllVariables(), group.getMetricIdentifier(name))))
                .build();
        taskGroup = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "test-job")
                .addTask(ExecutionAttemptID.randomId(), "test-task");
    }

    /** A mock task environment whose operators register their metrics here. */
    public MockEnvironment environment() {
        return new MockEnvironmentBuilder().setMetricGroup(taskGroup).build();
    }

    /**
     * The count of the pipeline counter {@code name} in the {@value PipelineMetrics#GROUP} group with
     * the label {@code labelKey=labelValue}; fails if no such counter was registered.
     */
    public long counter(String name, String labelKey, String labelValue) {
        return find(name, labelKey, labelValue).getCount();
    }

    /** The count of the unlabelled pipeline counter {@code name}. */
    public long counter(String name) {
        return find(name, null, null).getCount();
    }

    private Counter find(String name, String labelKey, String labelValue) {
        List<Registered> matches = registered.stream()
                .filter(r -> r.name().equals(name))
                .filter(r -> r.identifier().contains("." + PipelineMetrics.GROUP + "."))
                .filter(r -> labelKey == null || labelValue.equals(r.variables().get("<" + labelKey + ">")))
                .toList();
        if (matches.size() != 1 || !(matches.get(0).metric() instanceof Counter counter)) {
            throw new AssertionError("Expected exactly one counter " + name + " with " + labelKey + "=" + labelValue
                    + " but found " + matches.size() + " among " + registered.stream().map(Registered::identifier).toList());
        }
        return counter;
    }
}
