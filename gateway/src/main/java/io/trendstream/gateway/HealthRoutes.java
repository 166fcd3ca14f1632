package io.trendstream.gateway;

import io.trendstream.serialization.SchemaRegistryClient;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /health/live}: the process answers. {@code GET /health/ready}: Kafka, the schema registry and the
 * database each answer within {@value #TIMEOUT_SECONDS} s (checked at once, in parallel); 200 when all are up, 503
 * naming those that are down and why. Kafka is also down while the ingest producer cannot take transactions.
 */
public final class HealthRoutes implements RouteGroup {

    static final int TIMEOUT_SECONDS = 3;

    private final GatewayConfig config;
    private final SchemaRegistryClient registry;
    private final Supplier<String> producerProblem;
    private final Admin admin;

    /**
     * @param producerProblem null while the ingest producer takes transactions, otherwise why not
     */
    public HealthRoutes(GatewayConfig config, SchemaRegistryClient registry, Supplier<String> producerProblem) {
        this.config = config;
        this.registry = registry;
        this.producerProblem = producerProblem;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-health");
        this.admin = Admin.create(props);
    }

    @Override
    public void addTo(JavalinConfig javalin) {
        javalin.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
        javalin.routes.get("/health/ready", this::ready);
    }

    private void ready(Context ctx) {
        CompletableFuture<String> kafka = CompletableFuture.supplyAsync(this::kafkaProblem);
        CompletableFuture<String> schemaRegistry = CompletableFuture.supplyAsync(this::registryProblem);
        CompletableFuture<String> database = CompletableFuture.supplyAsync(this::databaseProblem);
        ctx.future(() -> CompletableFuture.allOf(kafka, schemaRegistry, database).thenAccept(done -> {
            Map<String, Object> checks = new LinkedHashMap<>();
            List<String> down = new java.util.ArrayList<>();
            check(checks, down, "kafka", kafka.join());
            check(checks, down, "schema_registry", schemaRegistry.join());
            check(checks, down, "database", database.join());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", down.isEmpty() ? "up" : "down");
            if (!down.isEmpty()) {
                body.put("down", down);
            }
            body.put("checks", checks);
            ctx.status(down.isEmpty() ? 200 : 503).json(body);
        }));
    }

    private static void check(Map<String, Object> checks, List<String> down, String name, String problem) {
        if (problem == null) {
            checks.put(name, Map.of("status", "up"));
        } else {
            checks.put(name, Map.of("status", "down", "error", problem));
            down.add(name);
        }
    }

    private String kafkaProblem() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_SECONDS * 1000))
                    .clusterId().get(TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "no answer from " + config.bootstrapServers() + ": " + rootMessage(e);
        }
        String producer = producerProblem.get();
        return producer == null ? null : "the ingest producer cannot take transactions: " + producer;
    }

    private String registryProblem() {
        try {
            registry.getSubjects();
            return null;
        } catch (Exception e) {
            return e.getMessage(); // the client's message names the URL and what to check
        }
    }

    private String databaseProblem() {
        Properties props = new Properties();
        props.setProperty("user", config.jdbcUser());
        config.jdbcPassword().ifPresent(password -> props.setProperty("password", password));
        props.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(TIMEOUT_SECONDS));
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), props);
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return null;
        } catch (Exception e) {
            return rootMessage(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
