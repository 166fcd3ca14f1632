package io.trendstream.gateway;

import io.trendstream.config.PipelineConfig;

import io.javalin.config.JavalinConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The server assembly: route groups plug in, requests are measured, errors have one format, groups are closed. */
class GatewayTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Settings that need no running dependency: nothing in these tests connects to them. */
    static GatewayConfig offlineConfig() {
        return GatewayConfig.of(Map.of(
                "gateway.port", "0",
                "gateway.host", "127.0.0.1",
                "kafka.bootstrap-servers", "localhost:1",
                "schema-registry.url", "http://localhost:1",
                "jdbc.url", "jdbc:postgresql://localhost:1/trendstream"));
    }

    @Test
    void servesTheRoutesOfItsGroupsOnAFreePortAndClosesThemOnStop() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        RouteGroup hello = new RouteGroup() {
            @Override
            public void addTo(JavalinConfig config) {
                config.routes.get("/hello/{name}", ctx -> ctx.result("hello " + ctx.pathParam("name")));
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        GatewayMetrics metrics = new GatewayMetrics();
        try (Gateway gateway = Gateway.start(offlineConfig(), metrics, Json.mapper(), List.of(hello))) {
            assertThat(gateway.port()).isPositive();

            HttpResponse<String> answer = get(gateway.localUri().resolve("/hello/ada"));
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("hello ada");

            HttpResponse<String> missing = get(gateway.localUri().resolve("/nowhere"));
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"error\":\"not_found\"").contains("GET /nowhere");

            String scraped = get(gateway.localUri().resolve("/metrics")).body();
            assertThat(scraped)
                    .contains("gateway_http_requests_total{method=\"GET\",route=\"/hello/{name}\",status=\"200\"} 1.0")
                    .contains("gateway_http_request_duration_seconds_count{method=\"GET\",route=\"/hello/{name}\"} 1");
            assertThat(closed).isFalse();
        }
        assertThat(closed).isTrue();
    }

    @Test
    void theLivePartCountsItsConnectionsInTheGauge() throws Exception {
        GatewayMetrics metrics = new GatewayMetrics();
        metrics.liveConnectionOpened("sse");
        metrics.liveConnectionOpened("sse");
        metrics.liveConnectionClosed("sse");
        try (Gateway gateway = Gateway.start(offlineConfig(), metrics, Json.mapper(), List.of())) {
            assertThat(get(gateway.localUri().resolve("/metrics")).body())
                    .contains("gateway_live_connections{transport=\"sse\"} 1.0");
        }
    }

    @Test
    void servesTheOpenApiDocumentAndSwaggerUiFromTheWebjar() throws Exception {
        try (Gateway gateway = Gateway.start(offlineConfig(), new GatewayMetrics(), Json.mapper(), List.of(new DocsRoutes()))) {
            HttpResponse<String> openApi = get(gateway.localUri().resolve("/openapi.json"));
            assertThat(openApi.statusCode()).isEqualTo(200);
            assertThat(Json.mapper().readTree(openApi.body()).get("paths").fieldNames())
                    .toIterable().contains("/api/v1/orders", "/api/v1/product-views", "/health/ready", "/metrics");

            HttpResponse<String> page = get(gateway.localUri().resolve("/docs"));
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("/docs/assets/swagger-ui-bundle.js").doesNotContain("https://");
            HttpResponse<String> bundle = get(gateway.localUri().resolve("/docs/assets/swagger-ui-bundle.js"));
            assertThat(bundle.statusCode()).isEqualTo(200);
            assertThat(bundle.body()).contains("SwaggerUIBundle");
            assertThat(get(gateway.localUri().resolve("/docs/assets/docs.js")).body()).contains("url: \"/openapi.json\"");
            assertThat(get(gateway.localUri().resolve("/docs/assets/pom.properties")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void settingsComeFromTheEnvironmentAndArgumentsWithArgumentsWinning() {
        Map<String, String> environment = Map.of(
                "TRENDSTREAM_GATEWAY_PORT", "9001",
                "TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "TRENDSTREAM_SCHEMA_REGISTRY_URL", "http://registry:8085",
                "TRENDSTREAM_JDBC_URL", "jdbc:postgresql://db:5432/trendstream",
                "TRENDSTREAM_GATEWAY_INGEST_API_KEY", "0123456789abcdef-secret");
        GatewayConfig config = GatewayConfig.resolve(new String[] {"--gateway.port", "9002"}, environment);

        assertThat(config.port()).isEqualTo(9002);
        assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.ingestApiKey()).contains("0123456789abcdef-secret");
        assertThat(config.ordersTopic()).isEqualTo("orders");
        assertThat(config.toString()).doesNotContain("0123456789abcdef-secret").contains("gateway.ingest.api-key = ******");
    }

    @Test
    void aMissingOrInvalidSettingIsNamedWithItsOrigin() {
        assertThatThrownBy(() -> GatewayConfig.resolve(new String[0], Map.of()))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageContaining("kafka.bootstrap-servers")
                .hasMessageContaining("TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS");
        assertThatThrownBy(() -> GatewayConfig.resolve(new String[0], Map.of(
                "TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "TRENDSTREAM_SCHEMA_REGISTRY_URL", "http://registry:8085",
                "TRENDSTREAM_JDBC_URL", "jdbc:postgresql://db:5432/trendstream",
                "TRENDSTREAM_GATEWAY_INGEST_API_KEY", "short")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Invalid setting 'gateway.ingest.api-key' = (secret) from environment variable"
                        + " TRENDSTREAM_GATEWAY_INGEST_API_KEY: must be at least 16 characters long.");
        assertThatThrownBy(() -> GatewayConfig.resolve(new String[] {"--gateway.ingest.transaction-producers", "0"}, Map.of(
                "TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "TRENDSTREAM_SCHEMA_REGISTRY_URL", "http://registry:8085",
                "TRENDSTREAM_JDBC_URL", "jdbc:postgresql://db:5432/trendstream")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageContaining("gateway.ingest.transaction-producers")
                .hasMessageContaining("must be 1 to 16");
    }

    @Test
    void aSettingSharedWithTheJobIsRefusedExactlyAsTheJobRefusesIt() {
        Map<String, String> valid = Map.of(
                "kafka.bootstrap-servers", "broker:9092",
                "schema-registry.url", "http://registry:8085",
                "jdbc.url", "jdbc:postgresql://db:5432/trendstream");
        Map<String, String> invalid = Map.of(
                "jdbc.url", "jdbc:mysql://db/trendstream",
                "kafka.bootstrap-servers", "broker",
                "schema-registry.url", "registry:8085",
                "schema-registry.basic-auth.user-info", "nopassword",
                "validation.max-future-skew", "0 s");
        invalid.forEach((key, value) -> {
            Map<String, String> settings = new HashMap<>(valid);
            settings.put(key, value);
            String[] args = settings.entrySet().stream()
                    .flatMap(setting -> Stream.of("--" + setting.getKey(), setting.getValue())).toArray(String[]::new);
            Throwable byTheJob = catchThrowable(() -> PipelineConfig.resolve(args, Map.of(), new Configuration()));

            assertThat(byTheJob).as(key).isInstanceOf(IllegalConfigurationException.class)
                    .hasMessageStartingWith("Invalid setting '" + key + "'");
            assertThatThrownBy(() -> GatewayConfig.resolve(args, Map.of())).as(key)
                    .isInstanceOf(IllegalConfigurationException.class).hasMessage(byTheJob.getMessage());
        });
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
