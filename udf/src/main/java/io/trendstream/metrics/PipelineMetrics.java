package io.trendstream.metrics;

import io.trendstream.jdbc.JdbcSinkMetrics;
import io.trendstream.records.ActivityKind;

/**
 * Names of the job's own metrics. All live in the user scope group {@value #GROUP} of the operator
 * that registers them; those with a label use {@code addGroup(key, value)}, which the Prometheus
 * reporter turns into a label. In Prometheus a metric reads
 * {@code flink_taskmanager_job_task_operator_trendstream_<name>{<label>="..."}}.
 */
public final class PipelineMetrics {
    /** The same group as the sink's metrics (jdbc-sink), so that all of the job's own metrics are in one. */
    public static final String GROUP = JdbcSinkMetrics.GROUP;

    /** Counter, label {@value #SOURCE_LABEL} (orders, views): records read from Kafka, valid or not. */
    public static final String EVENTS_IN = "eventsIn";
    public static final String SOURCE_LABEL = "source";

    /** Counter, label {@value #REASON_LABEL}: records sent to the dead-letter queue. */
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String REASON_LABEL = "reason";

    /** Counter: events that arrived after their window closed and went to the late-data output. */
    public static final String LATE_EVENTS = "lateEvents";

    /**
     * Counter, label {@value #SOURCE_LABEL}: duplicate deliveries not counted because their event id was already
     * in the product's window; an order counts once for each product window it touches.
     */
    public static final String DUPLICATES_DROPPED = "duplicatesDropped";

    /**
     * Counter, label {@value #OUTPUT_LABEL} (windows, alerts): window rows and alerts enriched while their product was
     * not in the catalog (name and category left empty; counted and written as always).
     */
    public static final String UNKNOWN_PRODUCTS = "unknownProducts";
    public static final String OUTPUT_LABEL = "output";

    /** Counter, label {@value #SEVERITY_LABEL} (MEDIUM, HIGH): trend alerts raised. */
    public static final String ALERTS = "alerts";
    public static final String SEVERITY_LABEL = "severity";

    /** Gauge, milliseconds: processing time minus the current event-time watermark at the window operator input. */
    public static final String WATERMARK_LAG_MS = "watermarkLagMs";

    /**
     * Gauge, milliseconds, label {@value #SINK_LABEL}: how long the last database commit (XA commit) took. Registered
     * by the jdbc-sink module, which names it.
     */
    public static final String SINK_COMMIT_LATENCY_MS = JdbcSinkMetrics.COMMIT_LATENCY_MS;
    public static final String SINK_LABEL = JdbcSinkMetrics.SINK_LABEL;

    /**
     * Counter, label {@value #SINK_LABEL}: rows the XA writer left for the next checkpoint because its previous
     * transaction was still prepared. Registered by the jdbc-sink module, which names it.
     */
    public static final String SINK_ROWS_DEFERRED = JdbcSinkMetrics.ROWS_DEFERRED;

    /** The {@value #SOURCE_LABEL} label of an activity's kind: orders or views, as the topics are called. */
    public static String sourceOf(ActivityKind kind) {
        return switch (kind) {
            case ORDER -> "orders";
            case VIEW -> "views";
        };
    }

    private PipelineMetrics() {}
}
