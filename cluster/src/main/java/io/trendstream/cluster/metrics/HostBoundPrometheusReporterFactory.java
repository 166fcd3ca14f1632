package io.trendstream.cluster.metrics;

import org.apache.flink.metrics.prometheus.HostBoundPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

import java.util.Properties;

/**
 * The local stack's Prometheus reporter: {@code metrics.reporter.prom.factory.class} names this factory, and
 * {@code metrics.reporter.prom.host} the address to listen on (default 127.0.0.1: on a developer's machine the
 * metrics are for this machine only, like every other port of the stack). {@code port} is a port or range, as for
 * Flink's own reporter (default 9249).
 */
public class HostBoundPrometheusReporterFactory implements MetricReporterFactory {

    static final String ARG_HOST = "host";
    static final String ARG_PORT = "port";
    static final String DEFAULT_HOST = "127.0.0.1";
    static final String DEFAULT_PORT = "9249";

    @Override
    public HostBoundPrometheusReporter createMetricReporter(Properties properties) {
        return new HostBoundPrometheusReporter(properties.getProperty(ARG_HOST, DEFAULT_HOST),
                new PortRange(properties.getProperty(ARG_PORT, DEFAULT_PORT)));
    }
}
