package io.trendstream.gateway.ingest;

import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.gateway.GatewayConfig;
import io.trendstream.gateway.GatewayMetrics;
import io.trendstream.gateway.RouteGroup;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.ConfluentSchemaCoder;
import io.trendstream.serialization.SchemaRegistryClient;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ingest: {@code POST /api/v1/orders} and {@code POST /api/v1/product-views}, each taking one event, a JSON array
 * of events or NDJSON, answered 202 once committed to Kafka. With {@code gateway.ingest.api-key} set, requests
 * need it in the {@code X-API-Key} header.
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

    @Override
    public void addTo(JavalinConfig javalin) {
        Clock clock = Clock.systemUTC();
        AssignedEventTimes orderTimes = new AssignedEventTimes(config.idempotencyKeys());
        AssignedEventTimes viewTimes = new AssignedEventTimes(config.idempotencyKeys());
        javalin.routes.before(ORDERS_PATH, this::authorize);
        javalin.routes.before(VIEWS_PATH, this::authorize);
        javalin.routes.post(ORDERS_PATH, new IngestEndpoint<>(EventKind.orders(config.maxFutureSkew()), config.ordersTopic(),
                orders, publisher, orderTimes, config.maxBatchEvents(), config.maxBodyBytes(), config.ackTimeout(), metrics, clock));
        javalin.routes.post(VIEWS_PATH, new IngestEndpoint<>(EventKind.views(config.maxFutureSkew()), config.viewsTopic(),
                views, publisher, viewTimes, config.maxBatchEvents(), config.maxBodyBytes(), config.ackTimeout(), metrics, clock));
        javalin.routes.exception(IngestException.class, (e, ctx) -> answer(ctx, e));
    }

    private void authorize(Context ctx) {
        Optional<String> key = config.ingestApiKey();
        if (key.isEmpty()) {
            return;
        }
        String given = ctx.header("X-API-Key");
        // Compared in constant time: the time taken tells nothing about how much of a guess was right.
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                key.get().getBytes(StandardCharsets.UTF_8))) {
            throw IngestException.unauthorized();
        }
    }

    /** The error answer: {@code {"error", "message", "events": [{"index", "field", "reason", "message"}]}}. */
    static void answer(Context ctx, IngestException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("message", e.getMessage());
        List<InvalidEvent> events = e.invalidEvents();
        if (!events.isEmpty()) {
            body.put("events", events);
        }
        if (e.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(e.status()).json(body);
    }

    @Override
    public void close() throws Exception {
        publisher.close();
    }
}
