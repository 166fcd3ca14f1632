package io.trendstream.gateway.ingest;

import io.trendstream.gateway.GatewayMetrics;
import io.trendstream.gateway.Json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The two ingest {@code POST}s as a Jetty core handler in front of the Javalin application, which answers every other
 * request (other methods on these paths included). Ingest is the gateway's hot path: on Jetty's own request API a
 * request is read and answered asynchronously without the servlet layer and Javalin's context, which cost the gateway
 * about 40 % of its CPU per request (gateway/README.md, <i>Load</i>). Requests are measured in the same metrics as
 * Javalin's routes.
 *
 * <p>Checks in this order: API key (401), declared length (413), media type (415), Idempotency-Key (400), then the
 * body, read up to {@code gateway.ingest.max-body-size} (413 beyond it, also for chunked bodies). A refusal is
 * written once the rest of the body has been read and dropped ({@link BodyDrain}), so that a client still sending
 * it reads the answer instead of a reset connection.
 */
final class IngestHandler extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    /** A refused request's body is read and dropped up to this many times the limit before the answer. */
    private static final long DRAIN_FACTOR = 16;
    private static final String JSON = "application/json";

    private final Map<String, IngestEndpoint<?>> endpoints;
    private final Optional<byte[]> apiKey;
    private final long maxBodyBytes;
    private final ObjectMapper json;
    private final GatewayMetrics metrics;

    /** @param endpoints by path, e.g. {@code /api/v1/orders} */
    IngestHandler(Map<String, IngestEndpoint<?>> endpoints, Optional<String> apiKey, long maxBodyBytes, ObjectMapper json,
                  GatewayMetrics metrics) {
        this.endpoints = Map.copyOf(endpoints);
        this.apiKey = apiKey.map(key -> key.getBytes(StandardCharsets.UTF_8));
        this.maxBodyBytes = maxBodyBytes;
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String route = withoutTrailingSlash(Request.getPathInContext(request));
        IngestEndpoint<?> endpoint = HttpMethod.POST.is(request.getMethod()) ? endpoints.get(route) : null;
        if (endpoint == null) {
            return super.handle(request, response, callback);
        }
        Exchange exchange = new Exchange(route, response, callback, System.nanoTime());
        try {
            authorize(request);
            long length = request.getLength();
            if (length > maxBodyBytes) {
                throw IngestException.tooLarge("The body has " + length + " bytes, more than " + maxBodyBytes
                        + " (gateway.ingest.max-body-size)");
            }
            boolean ndjson = IngestMediaType.isNdjson(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
            String idempotencyKey = request.getHeaders().get("Idempotency-Key");
            if (idempotencyKey != null && idempotencyKey.isBlank()) {
                throw IngestException.badRequest("invalid_header", "The Idempotency-Key header is blank");
            }
            BodyReader.read(request, maxBodyBytes, length)
                    .thenCompose(body -> endpoint.accept(body, ndjson, idempotencyKey))
                    .whenComplete((accepted, failure) -> {
                        if (isRefusal(failure)) {
                            refuse(request, exchange, failure); // a 413 while reading leaves the rest unread
                        } else {
                            exchange.answer(accepted, failure);
                        }
                    });
        } catch (IngestException e) {
            refuse(request, exchange, e);
        }
        return true;
    }

    /** Answers a refusal once the client has sent the body (up to a bound), so that it reads the answer. */
    private void refuse(Request request, Exchange exchange, Throwable refusal) {
        BodyDrain.drain(request, DRAIN_FACTOR * maxBodyBytes)
                .whenComplete((drained, never) -> exchange.answer(null, refusal));
    }

    private static boolean isRefusal(Throwable failure) {
        return unwrapped(failure) instanceof IngestException;
    }

    /** The failure itself, not the {@link CompletionException} a future stage wrapped it in. */
    private static Throwable unwrapped(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private void authorize(Request request) {
        if (apiKey.isEmpty()) {
            return;
        }
        String given = request.getHeaders().get("X-API-Key");
        // Compared in constant time: the time taken tells nothing about how much of a guess was right.
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), apiKey.get())) {
            throw IngestException.unauthorized();
        }
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** One request being answered: writes the answer once and measures it. */
    private final class Exchange {

        private final String route;
        private final Response response;
        private final Callback callback;
        private final long started;

        Exchange(String route, Response response, Callback callback, long started) {
            this.route = route;
            this.response = response;
            this.callback = callback;
            this.started = started;
        }

        void answer(Object accepted, Throwable failure) {
            if (failure == null) {
                write(202, accepted);
                return;
            }
            Throwable cause = unwrapped(failure);
            if (cause instanceof IngestException refused) {
                if (refused.status() == 503) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                }
                write(refused.status(), errorBody(refused));
            } else if (isReadFailure(cause)) {
                // The client went away or sent a broken body: nothing to answer it with (counted as a 400).
                metrics.requestAnswered(route, "POST", 400, System.nanoTime() - started);
                callback.failed(cause);
            } else {
                LOG.error("Unexpected failure answering POST {}", route, cause);
                write(500, Json.unexpectedFailure(cause));
            }
        }

        private void write(int status, Object body) {
            byte[] bytes;
            try {
                bytes = json.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                callback.failed(e);
                return;
            }
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
            metrics.requestAnswered(route, "POST", status, System.nanoTime() - started);
            response.write(true, ByteBuffer.wrap(bytes), callback);
        }
    }

    private static boolean isReadFailure(Throwable cause) {
        return cause instanceof IOException || cause instanceof BadMessageException;
    }

    /** The error answer: {@code {"error", "message", "events": [{"index", "field", "reason", "message"}]}}. */
    private static Map<String, Object> errorBody(IngestException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("message", e.getMessage());
        List<InvalidEvent> events = e.invalidEvents();
        if (!events.isEmpty()) {
            body.put("events", events);
        }
        return body;
    }
}
