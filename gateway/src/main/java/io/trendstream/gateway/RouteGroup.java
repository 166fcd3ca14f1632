package io.trendstream.gateway;

import io.javalin.config.JavalinConfig;

/**
 * A part of the gateway's HTTP API (ingest, query, live, the page, health): it adds its routes, WebSocket and SSE
 * handlers, static files or exception handlers to the server's configuration, and owns the resources they use
 * (producers, consumers, connection pools), which the {@link Gateway} closes after the server stopped.
 *
 * <p>Javalin takes all routes before it starts, so a group is added when the gateway is assembled; see
 * {@link GatewayMain} for the groups of the running service.
 */
public interface RouteGroup extends AutoCloseable {

    /** Adds this group's endpoints, e.g. {@code config.routes.get("/api/v1/x", handler)} or {@code config.routes.sse(...)}. */
    void addTo(JavalinConfig config);

    /** Releases what the group holds; called once, after the server stopped taking requests. */
    @Override
    default void close() throws Exception {}
}
