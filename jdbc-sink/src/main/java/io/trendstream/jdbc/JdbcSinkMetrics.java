package io.trendstream.jdbc;

/**
 * Names of the sink's metrics, in the user scope group {@value #GROUP} of the sink's operators, labelled with the
 * sink's name ({@value #SINK_LABEL}). In Prometheus a metric reads
 * {@code flink_taskmanager_job_task_operator_trendstream_<name>{sink="..."}}.
 */
public final class JdbcSinkMetrics {
    public static final String GROUP = "trendstream";
    public static final String SINK_LABEL = "sink";

    /** Gauge, milliseconds, on the committer: how long the last database commit (XA commit) took. */
    public static final String COMMIT_LATENCY_MS = "sinkCommitLatencyMs";

    private JdbcSinkMetrics() {}
}
