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

    /**
     * Counter, on the writer: rows a pre-commit left for the next checkpoint because a transaction of the sink from
     * an earlier checkpoint was still prepared (a row deferred at two checkpoints counts twice). Rising steadily: commits lag behind the
     * checkpoints (completion notifications arrive late, or the database commits slowly).
     */
    public static final String ROWS_DEFERRED = "sinkRowsDeferred";

    private JdbcSinkMetrics() {}
}
