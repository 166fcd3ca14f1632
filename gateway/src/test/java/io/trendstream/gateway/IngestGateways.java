package io.trendstream.gateway;

import io.trendstream.gateway.ingest.IngestRoutes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A gateway with ingest only, on a free port of the loopback interface, for the ingest tests. */
public final class IngestGateways {

    private IngestGateways() {}

    /**
     * @param overrides settings beyond the broker and registry (no database: ingest needs none)
     */
    public static Gateway start(String bootstrapServers, String registryUrl, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "gateway.port", "0",
                "gateway.host", "127.0.0.1",
                "kafka.bootstrap-servers", bootstrapServers,
                "schema-registry.url", registryUrl,
                "jdbc.url", "jdbc:postgresql://127.0.0.1:1/none"));
        settings.putAll(overrides);
        GatewayConfig config = GatewayConfig.of(settings);
        GatewayMetrics metrics = new GatewayMetrics();
        return Gateway.start(config, metrics, Json.mapper(), List.of(new IngestRoutes(config, metrics)));
    }
}
