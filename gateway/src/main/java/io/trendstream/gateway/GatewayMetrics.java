package io.trendstream.gateway;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The gateway's Prometheus metrics, all in one registry that {@code /metrics} exposes. Names start with
 * {@code gateway_}; the Grafana dashboard in {@code monitoring/} and the alert rules use them.
 */
public final class GatewayMetrics {

    /** Latency buckets in seconds: the ingest target is a p99 of 50 ms, so most resolution is below 100 ms. */
    private static final double[] LATENCY_BUCKETS =
            {0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();

    private final Counter requests = Counter.builder()
            .name("gateway_http_requests_total")
            .help("HTTP requests answered, by route (the matched path pattern), method and status.")
            .labelNames("route", "method", "status")
            .register(registry);

    private final Histogram requestDuration = Histogram.builder()
            .name("gateway_http_request_duration_seconds")
            .help("Time from a request's arrival to its answer, by route and method.")
            .unit(Unit.SECONDS)
            .classicUpperBounds(LATENCY_BUCKETS)
            .classicOnly()
            .labelNames("route", "method")
            .register(registry);

    private final Histogram produceDuration = Histogram.builder()
            .name("gateway_kafka_produce_duration_seconds")
            .help("Time from handing a transaction's records to the Kafka producer until the broker acknowledged them all.")
            .unit(Unit.SECONDS)
            .classicUpperBounds(LATENCY_BUCKETS)
            .classicOnly()
            .register(registry);

    private final Histogram commitDuration = Histogram.builder()
            .name("gateway_kafka_commit_duration_seconds")
            .help("Time to commit one Kafka transaction (group commit of many requests).")
            .unit(Unit.SECONDS)
            .classicUpperBounds(LATENCY_BUCKETS)
            .classicOnly()
            .register(registry);

    private final Histogram transactionEvents = Histogram.builder()
            .name("gateway_kafka_transaction_events")
            .help("Events committed per Kafka transaction.")
            .classicUpperBounds(1, 10, 100, 1_000, 5_000, 10_000, 20_000, 50_000)
            .classicOnly()
            .register(registry);

    private final Counter transactions = Counter.builder()
            .name("gateway_kafka_transactions_total")
            .help("Kafka transactions committed, by transactional id of the ingest producer pool.")
            .labelNames("transactional_id")
            .register(registry);

    private final Counter events = Counter.builder()
            .name("gateway_events_total")
            .help("Events by topic and outcome: committed (acknowledged 202), rejected (400), failed (503).")
            .labelNames("topic", "outcome")
            .register(registry);

    private final Gauge liveConnections = Gauge.builder()
            .name("gateway_live_connections")
            .help("Open live connections (SSE or WebSocket), by transport.")
            .labelNames("transport")
            .register(registry);

    public PrometheusRegistry registry() {
        return registry;
    }

    public void requestAnswered(String route, String method, int status, long nanos) {
        requests.labelValues(route, method, Integer.toString(status)).inc();
        requestDuration.labelValues(route, method).observe(nanos / 1e9);
    }

    public void produced(long nanos) {
        produceDuration.observe(nanos / 1e9);
    }

    public void committed(String transactionalId, int eventCount, long nanos) {
        transactions.labelValues(transactionalId).inc();
        commitDuration.observe(nanos / 1e9);
        transactionEvents.observe(eventCount);
    }

    public void events(String topic, String outcome, int count) {
        events.labelValues(topic, outcome).inc(count);
    }

    /** For the live part: call when a client connects ({@code transport} is e.g. {@code sse} or {@code websocket}). */
    public void liveConnectionOpened(String transport) {
        liveConnections.labelValues(transport).inc();
    }

    /** For the live part: call exactly once per {@link #liveConnectionOpened}, when that client is gone. */
    public void liveConnectionClosed(String transport) {
        liveConnections.labelValues(transport).dec();
    }
}
