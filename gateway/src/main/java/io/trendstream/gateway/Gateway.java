package io.trendstream.gateway;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP server: Javalin on Jetty with the gateway's route groups, request metrics and a common error format
 * ({@code {"error": ..., "message": ...}}). {@link #start} assembles and starts it; {@link #close} stops the server
 * first, so that no request is in flight, and then closes the groups in reverse order.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /** Where the start time of a request is kept for its latency. */
    private static final String STARTED_AT = "trendstream.started-at";

    private final Javalin app;
    private final List<RouteGroup> groups;

    private Gateway(Javalin app, List<RouteGroup> groups) {
        this.app = app;
        this.groups = groups;
    }

    /**
     * Starts the server on {@link GatewayConfig#host()} and {@link GatewayConfig#port()} with these groups. If the
     * server cannot start, the groups are closed before the exception is thrown.
     */
    public static Gateway start(GatewayConfig config, GatewayMetrics metrics, ObjectMapper json, List<? extends RouteGroup> groups) {
        List<RouteGroup> owned = List.copyOf(groups);
        try {
            Javalin app = Javalin.create(javalin -> {
                configure(javalin, config, metrics, json);
                for (RouteGroup group : owned) {
                    group.addTo(javalin);
                }
            });
            app.start();
            LOG.info("Gateway listening on {}:{}", config.host(), app.port());
            return new Gateway(app, owned);
        } catch (RuntimeException e) {
            closeAll(owned, e);
            throw e;
        }
    }

    private static void configure(JavalinConfig javalin, GatewayConfig config, GatewayMetrics metrics, ObjectMapper json) {
        javalin.jetty.host = config.host();
        javalin.jetty.port = config.port();
        javalin.startup.showJavalinBanner = false;
        javalin.jsonMapper(new JavalinJackson(json, false));
        // Jetty refuses larger bodies with 413 before a handler reads them.
        javalin.http.maxRequestSize = config.maxBodyBytes();
        javalin.routes.before(ctx -> ctx.attribute(STARTED_AT, System.nanoTime()));
        javalin.routes.after(ctx -> record(ctx, metrics));
        javalin.routes.get("/metrics", new MetricsEndpoint(metrics.registry()));
        javalin.routes.error(HttpStatus.NOT_FOUND.getCode(), ctx -> {
            if (ctx.endpoints().lastHttpEndpoint() == null) { // a handler's own 404 keeps its body
                ctx.json(Map.of("error", "not_found", "message", "No endpoint " + ctx.method() + " " + ctx.path()));
            }
        });
        javalin.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("Unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                    .json(Json.unexpectedFailure(e));
        });
    }

    private static void record(Context ctx, GatewayMetrics metrics) {
        Long started = ctx.attribute(STARTED_AT);
        if (started == null) {
            return;
        }
        // The matched pattern, never the raw path: raw paths would make a label per id.
        String route = ctx.endpoints().lastHttpEndpoint() != null ? ctx.endpoints().lastHttpEndpoint().path : "unmatched";
        metrics.requestAnswered(route, ctx.method().name(), ctx.statusCode(), System.nanoTime() - started);
    }

    /** The port the server listens on (the one picked when configured as 0). */
    public int port() {
        return app.port();
    }

    /** The server's base URL on the loopback interface, e.g. {@code http://localhost:8090}. */
    public URI localUri() {
        return URI.create("http://localhost:" + port());
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            app.stop();
        } catch (RuntimeException e) {
            failure = e;
        }
        closeAll(groups, failure);
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeAll(List<RouteGroup> groups, RuntimeException failure) {
        List<RouteGroup> reversed = new ArrayList<>(groups);
        java.util.Collections.reverse(reversed);
        for (RouteGroup group : reversed) {
            try {
                group.close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    LOG.warn("Closing {} failed", group.getClass().getSimpleName(), e);
                }
            }
        }
    }
}
