package io.trendstream.gateway.live;

import io.javalin.config.JavalinConfig;
import io.javalin.http.sse.SseClient;
import io.trendstream.gateway.GatewayConfig;
import io.trendstream.gateway.GatewayMetrics;
import io.trendstream.gateway.GatewayOptions;
import io.trendstream.gateway.RouteGroup;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * {@code GET /api/v1/live}: Server-Sent Events of {@code alert}s and closed {@code window}s (gateway/README.md, "Live
 * updates"). Each event has an id; a client that reconnects with {@code Last-Event-ID} (browsers' EventSource does by
 * itself; or {@code ?last_event_id=}) first gets what it missed ({@link LiveEventLog}), or a {@code reset} event
 * when that is no longer kept. Every open connection counts in the live-connections gauge.
 */
public final class LiveRoutes implements RouteGroup {

    public static final String PATH = "/api/v1/live";
    static final String TRANSPORT = "sse";
    /** Events queued for one slow client before it is disconnected (it reconnects and resumes from its last id). */
    static final int CLIENT_QUEUE = 1_000;
    private static final LiveEvent STOP = new LiveEvent("", "", "");

    private final LiveEventLog log;
    private final GatewayMetrics metrics;
    private final Duration heartbeat;
    private final AlertFeed alerts;
    private final AutoCloseable[] owned;
    private final Set<BlockingQueue<LiveEvent>> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * @param alerts the alert feed publishing into {@code log}
     * @param owned closed with this group, the alert feed first
     */
    public LiveRoutes(LiveEventLog log, GatewayMetrics metrics, Duration heartbeat, AlertFeed alerts,
            AutoCloseable... owned) {
        this.log = log;
        this.alerts = alerts;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
        this.owned = java.util.stream.Stream.concat(java.util.stream.Stream.of(alerts),
                java.util.Arrays.stream(owned)).toArray(AutoCloseable[]::new);
    }

    /** True once every alert committed from now on reaches the clients (health checks, tests). */
    public boolean alertsLive() {
        return alerts.isLive();
    }

    /** The live stream of a running gateway: alerts from Kafka, windows from the database behind {@code readers}. */
    public static LiveRoutes create(GatewayConfig config, GatewayMetrics metrics, DataSource readers) {
        LiveEventLog log = new LiveEventLog(Long.toString(System.currentTimeMillis(), 36),
                config.get(GatewayOptions.LIVE_HISTORY_EVENTS));
        AlertFeed alerts = new AlertFeed(config.bootstrapServers(), config.alertsTopic(), config.schemaRegistry(), log);
        ClosedWindowFeed windows = new ClosedWindowFeed(readers, log,
                config.get(GatewayOptions.LIVE_WINDOW_POLL_INTERVAL), ClosedWindowFeed.TOP_PRODUCTS);
        return new LiveRoutes(log, metrics, config.get(GatewayOptions.LIVE_HEARTBEAT_INTERVAL), alerts, windows);
    }

    @Override
    public void addTo(JavalinConfig config) {
        config.routes.sse(PATH, this::stream);
        config.events.serverStopping(this::stop);
    }

    /** Runs for as long as the client stays: sends what it missed, then each new event, and heartbeats. */
    private void stream(SseClient client) {
        String lastEventId = client.ctx().header("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = client.ctx().queryParam("last_event_id");
        }
        BlockingQueue<LiveEvent> queue = new LinkedBlockingQueue<>(CLIENT_QUEUE);
        Consumer<LiveEvent> subscriber = event -> {
            if (!queue.offer(event)) {
                queue.clear(); // too slow: end the connection; the client resumes from its last id
                queue.offer(STOP);
            }
        };
        metrics.liveConnectionOpened(TRANSPORT);
        clients.add(queue);
        try {
            List<LiveEvent> missed = log.subscribe(lastEventId, subscriber);
            client.sendComment("connected"); // flushes the headers: the client's EventSource opens now
            for (LiveEvent event : missed) {
                send(client, event);
            }
            while (!stopping && !client.terminated()) {
                LiveEvent event = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (event == STOP) {
                    break;
                }
                if (event == null) {
                    client.sendComment("heartbeat"); // a client that is gone shows up here: terminated()
                } else {
                    send(client, event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            log.unsubscribe(subscriber);
            clients.remove(queue);
            metrics.liveConnectionClosed(TRANSPORT);
            client.close();
        }
    }

    private static void send(SseClient client, LiveEvent event) {
        client.sendEvent(event.type(), event.data(), event.id());
    }

    private void stop() {
        stopping = true;
        clients.forEach(queue -> queue.offer(STOP));
    }

    @Override
    public void close() throws Exception {
        stop();
        Resources.closeAll(owned);
    }
}
