package io.trendstream.bench;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.metrics.MetricNames;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * The metrics the benchmark polls, read in process from the bench cluster's own metric objects: the records out of
 * each job's source operators and the input watermark of its tasks. {@link FlinkSession} registers this reporter
 * with the cluster ({@link #FACTORY_KEY}), so the counters the REST API would serve are read where they are kept.
 *
 * <p>Through the REST API every poll made the JobManager fetch every metric of the job from its TaskManager (at most
 * once per {@code metrics.fetcher.update-interval}): 0.03 cores of the 2 during the ceiling's runs and 0.06 during the
 * pipeline's, which has more operators and metrics (bench/README.md), a cost of the measurement, not of the job. Read
 * here, a poll costs nothing the job notices, and a count is current instead of up to a fetch interval old.
 */
public final class InProcessMetrics implements MetricReporter {

    /** The configuration key that makes a cluster report to this class. */
    static final String FACTORY_KEY = "metrics.reporter.bench.factory.class";

    /** Flink names a source operator, and the task that starts with it, "Source: " and the source's name. */
    static final String SOURCE_NAME_PREFIX = "Source";

    private static final String JOB_ID = "<job_id>";
    private static final String TASK_NAME = "<task_name>";
    private static final String OPERATOR_NAME = "<operator_name>";
    private static final String SUBTASK = "<subtask_index>";

    /** The metrics of a cluster's jobs as the bench reads them: here, or over JMX from a standalone session's TaskManager. */
    interface Reader {
        /** See {@link InProcessMetrics#sourceRecordsOut}. */
        OptionalLong sourceRecordsOut(String jobId, int sources);

        /** See {@link InProcessMetrics#inputWatermark}. */
        OptionalLong inputWatermark(String jobId, String taskNameFragment);

        /** Forgets a job that has ended. */
        void forget(String jobId);
    }

    /** The metrics of the jobs of a cluster in this JVM. */
    static final Reader IN_THIS_JVM = new Reader() {
        @Override
        public OptionalLong sourceRecordsOut(String jobId, int sources) {
            return InProcessMetrics.sourceRecordsOut(jobId, sources);
        }

        @Override
        public OptionalLong inputWatermark(String jobId, String taskNameFragment) {
            return InProcessMetrics.inputWatermark(jobId, taskNameFragment);
        }

        @Override
        public void forget(String jobId) {
            JOBS.remove(jobId);
        }
    };

    /** Where {@link #exposeOverJmx()} registers the metrics of this JVM's cluster. */
    private static final String MBEAN_NAME = "io.trendstream.bench:type=InProcessMetrics";

    /** The metrics over JMX: an MXBean speaks open types, so an unknown value is -1 records or {@code Long.MIN_VALUE}. */
    public interface RemoteMXBean {
        long sourceRecordsOut(String jobId, int sources);

        long inputWatermark(String jobId, String taskNameFragment);

        void forget(String jobId);
    }

    /** Registers the metrics of this JVM's cluster as an MXBean, for {@link #overJmx}. */
    static void exposeOverJmx() throws Exception {
        RemoteMXBean remote = new RemoteMXBean() {
            @Override
            public long sourceRecordsOut(String jobId, int sources) {
                return IN_THIS_JVM.sourceRecordsOut(jobId, sources).orElse(-1);
            }

            @Override
            public long inputWatermark(String jobId, String taskNameFragment) {
                return IN_THIS_JVM.inputWatermark(jobId, taskNameFragment).orElse(Long.MIN_VALUE);
            }

            @Override
            public void forget(String jobId) {
                IN_THIS_JVM.forget(jobId);
            }
        };
        ManagementFactory.getPlatformMBeanServer().registerMBean(
                new StandardMBean(remote, RemoteMXBean.class, true), new ObjectName(MBEAN_NAME));
    }

    /** The metrics of the cluster in the JVM behind {@code mbeans}, which {@link #exposeOverJmx() exposes} them. */
    static Reader overJmx(MBeanServerConnection mbeans) throws MalformedObjectNameException {
        RemoteMXBean remote = JMX.newMXBeanProxy(mbeans, new ObjectName(MBEAN_NAME), RemoteMXBean.class);
        return new Reader() {
            @Override
            public OptionalLong sourceRecordsOut(String jobId, int sources) {
                long records = remote.sourceRecordsOut(jobId, sources);
                return records < 0 ? OptionalLong.empty() : OptionalLong.of(records);
            }

            @Override
            public OptionalLong inputWatermark(String jobId, String taskNameFragment) {
                long watermark = remote.inputWatermark(jobId, taskNameFragment);
                return watermark == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(watermark);
            }

            @Override
            public void forget(String jobId) {
                remote.forget(jobId);
            }
        };
    }

    /** Per job id (hex): its metrics, as the cluster registers them. */
    private static final ConcurrentMap<String, JobMetrics> JOBS = new ConcurrentHashMap<>();

    private static final class JobMetrics {
        /** Per source operator subtask (operator name and subtask index): its records out. */
        final ConcurrentMap<String, Counter> sourceRecordsOut = new ConcurrentHashMap<>();
        /** Per task subtask (task name and subtask index): its input watermark. */
        final ConcurrentMap<String, TaskWatermark> inputWatermarks = new ConcurrentHashMap<>();
    }

    private record TaskWatermark(String taskName, Gauge<?> watermark) {}

    /**
     * Records emitted by the job's source operators, summed over their subtasks: every Kafka record read, valid or not
     * (the deserializer turns each into exactly one record). Empty until every one of the job's {@code sources}
     * source operators has a subtask that reports it.
     */
    private static OptionalLong sourceRecordsOut(String jobId, int sources) {
        JobMetrics job = JOBS.get(jobId);
        if (job == null) {
            return OptionalLong.empty();
        }
        long operators = job.sourceRecordsOut.keySet().stream().map(InProcessMetrics::nameOf).distinct().count();
        if (operators < sources) {
            return OptionalLong.empty(); // a count would silently miss a topic
        }
        return OptionalLong.of(job.sourceRecordsOut.values().stream().mapToLong(Counter::getCount).sum());
    }

    /** The smallest input watermark over the subtasks of the job's tasks whose name contains {@code taskNameFragment}. */
    private static OptionalLong inputWatermark(String jobId, String taskNameFragment) {
        JobMetrics job = JOBS.get(jobId);
        if (job == null) {
            return OptionalLong.empty();
        }
        return job.inputWatermarks.values().stream()
                .filter(task -> task.taskName().contains(taskNameFragment))
                .mapToLong(task -> ((Number) task.watermark().getValue()).longValue())
                .min();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        Map<String, String> variables = group.getAllVariables();
        String jobId = variables.get(JOB_ID);
        if (jobId == null) {
            return;
        }
        String operator = variables.get(OPERATOR_NAME);
        if (operator != null && operator.startsWith(SOURCE_NAME_PREFIX) && metricName.equals(MetricNames.IO_NUM_RECORDS_OUT)
                && metric instanceof Counter counter) {
            JOBS.computeIfAbsent(jobId, id -> new JobMetrics()).sourceRecordsOut.put(keyOf(operator, variables), counter);
        } else if (operator == null && metricName.equals(MetricNames.IO_CURRENT_INPUT_WATERMARK)
                && metric instanceof Gauge<?> gauge && variables.containsKey(TASK_NAME)) {
            String task = variables.get(TASK_NAME);
            JOBS.computeIfAbsent(jobId, id -> new JobMetrics()).inputWatermarks.put(keyOf(task, variables),
                    new TaskWatermark(task, gauge));
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        JobMetrics job = JOBS.get(group.getAllVariables().getOrDefault(JOB_ID, ""));
        if (job != null) {
            job.sourceRecordsOut.values().remove(metric);
            job.inputWatermarks.values().removeIf(task -> task.watermark() == metric);
        }
    }

    private static String keyOf(String name, Map<String, String> variables) {
        return name + "\u0000" + variables.get(SUBTASK);
    }

    private static String nameOf(String key) {
        return key.substring(0, key.indexOf('\u0000'));
    }

    /** Found by the cluster through {@code META-INF/services}, by its class name in {@link #FACTORY_KEY}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new InProcessMetrics();
        }
    }
}
