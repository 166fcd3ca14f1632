package io.trendstream.cluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.cluster.ListeningSockets;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import org.apache.flink.metrics.prometheus.HostBoundPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.Test;

/** The local stack's Prometheus endpoint listens on 127.0.0.1, like every other port of the stack. */
class HostBoundPrometheusReporterFactoryTest {

    @Test
    void servesMetricsOnLocalhostOnly() throws Exception {
        int port = freePort();
        Properties properties = new Properties();
        properties.setProperty("port", port + "-" + (port + 5));
        MetricReporterFactory factory = new HostBoundPrometheusReporterFactory();
        HostBoundPrometheusReporter reporter = (HostBoundPrometheusReporter) factory.createMetricReporter(properties);
        try {
            int bound = reporter.address().getPort();
            assertThat(ListeningSockets.onPort(bound)).as("sockets listening on the reporter's port %d", bound)
                    .isNotEmpty().allMatch(ListeningSockets.Socket::loopback);

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bound + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
        } finally {
            reporter.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
