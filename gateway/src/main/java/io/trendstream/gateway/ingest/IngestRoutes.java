package io.trendstream.gateway.ingest;

import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.gateway.GatewayConfig;
import io.trendstream.gateway.GatewayMetrics;
import io.trendstream.gateway.Json;
import io.trendstream.gateway.RouteGroup;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.ConfluentSchemaCoder;
import io.trendstream.serialization.SchemaRegistryClient;

import io.javalin.config.JavalinConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;

/**
 * Ingest: {@code POST /api/v1/orders} and {@code POST /api/v1/product-views}, each taking one event, a JSON array
 * of events or NDJSON, answered 202 once committed to Kafka ({@link IngestHandler}). With {@code gateway.ingest.api-key}
 * set, requests need it in the {@code X-API-Key} header.
 */
public final class IngestRoutes implements RouteGroup {

    public static final String ORDERS_PATH = "/api/v1/orders";
    public static final String VIEWS_PATH = "/api/v1/product-views";

    private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final GroupCommitPublisher publisher;
    private final WireEncoder<OrderEvent> orders;
    private final WireEncoder<ProductView> views;
    private final SchemaRegistryClient registry;

    public IngestRoutes(GatewayConfig config, GatewayMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.registry = new SchemaRegistryClient(config.schemaRegistry());
        this.orders = new WireEncoder<>(OrderEvent.class, OrderEvent.getClassSchema(),
                new ConfluentSchemaCoder(registry, ConfluentAvro.topicValueSubject(config.ordersTopic()), true));
        this.views = new WireEncoder<>(ProductView.class, ProductView.getClassSchema(),
                new ConfluentSchemaCoder(registry, ConfluentAvro.topicValueSubject(config.viewsTopic()), true));
        registerSchemas();
        this.publisher = new GroupCommitPublisher(config.bootstrapServers(), config.transactionalId(),
                config.transactionProducers(), config.transactionMaxEvents(), config.transactionLinger(), metrics);
    }

    /** Best effort: the first request registers them otherwise (and answers 503 while the registry is down). */
    private void registerSchemas() {
        try {
            orders.registerSchema();
            views.registerSchema();
        } catch (Exception e) {
            LOG.warn("Could not register the event schemas yet ({}); the first requests will try again", e.getMessage());
        }
    }

    /** Null when Kafka takes transactions; otherwise what is wrong (for the readiness check). */
    public String kafkaProblem() {
        return publisher.unavailableReason();
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    /** Puts the ingest handler in front of the Javalin application: Javalin's handler becomes the one it wraps. */
    @Override
    public void addTo(JavalinConfig javalin) {
        Clock clock = Clock.systemUTC();
        AssignedEventTimes orderTimes = new AssignedEventTimes(config.idempotencyKeys());
        AssignedEventTimes viewTimes = new AssignedEventTimes(config.idempotencyKeys());
        IngestHandler handler = new IngestHandler(Map.of(
                ORDERS_PATH, new IngestEndpoint<>(EventKind.orders(config.maxFutureSkew()), config.ordersTopic(), orders,
                        publisher, orderTimes, config.maxBatchEvents(), config.ackTimeout(), metrics, clock),
                VIEWS_PATH, new IngestEndpoint<>(EventKind.views(config.maxFutureSkew()), config.viewsTopic(), views,
                        publisher, viewTimes, config.maxBatchEvents(), config.ackTimeout(), metrics, clock)),
                config.ingestApiKey(), config.maxBodyBytes(), Json.mapper(), metrics);
        javalin.jetty.modifyServer(server -> server.setHandler(handler));
    }

    @Override
    public void close() throws Exception {
        publisher.close();
    }
}
