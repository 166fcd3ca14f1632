package org.apache.flink.metrics.prometheus;

import org.apache.flink.util.PortRange;

import io.prometheus.client.exporter.HTTPServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Iterator;

/**
 * Flink's {@link PrometheusReporter}, but its HTTP endpoint listens on one address instead of all interfaces (Flink
 * 2.2's reporter has no host option). It lives in Flink's package because the collector registry it serves is
 * package-private in {@link AbstractPrometheusReporter}; everything else is the parent's.
 */
public class HostBoundPrometheusReporter extends AbstractPrometheusReporter {

    private final HTTPServer httpServer;
    private final InetSocketAddress address;

    /** Serves the metrics on {@code host} at the first free port of {@code ports}. */
    public HostBoundPrometheusReporter(String host, PortRange ports) {
        this.httpServer = startOnFirstFreePort(host, ports);
        this.address = new InetSocketAddress(host, httpServer.getPort());
        log.info("Started PrometheusReporter HTTP server on {}.", address);
    }

    private HTTPServer startOnFirstFreePort(String host, PortRange ports) {
        Iterator<Integer> candidates = ports.getPortsIterator();
        while (candidates.hasNext()) {
            InetSocketAddress candidate = new InetSocketAddress(host, candidates.next());
            try {
                return new HTTPServer(candidate, registry);
            } catch (IOException e) {
                log.debug("Could not start PrometheusReporter HTTP server on {}.", candidate, e);
            }
        }
        throw new RuntimeException("Could not start PrometheusReporter HTTP server on " + host + " at any of the ports "
                + ports);
    }

    /** Where the metrics are served. */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        httpServer.stop();
        super.close();
    }
}
