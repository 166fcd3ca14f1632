package io.trendstream.gateway.live;

import io.trendstream.events.TrendAlert;
import io.trendstream.gateway.query.QueryJson;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SchemaRegistrySettings;

import java.time.Instant;
import java.util.List;

/**
 * Publishes every trend alert committed to the alerts topic from now on as an {@code alert} event: read
 * {@code read_committed}, so a client never sees an alert of a checkpoint the job aborted (the job writes the topic
 * exactly once, in transactions). Alerts from before the gateway started are for the query API
 * ({@code /api/v1/alerts}).
 */
public final class AlertFeed implements AutoCloseable {

    /** The SSE event name. */
    public static final String EVENT = "alert";

    private final CommittedTopicReader<TrendAlert> reader;
    private volatile boolean live;

    /** The alert as clients see it; the names and values of trend_alerts' columns. */
    public record Alert(String productId, String metric, Instant windowStart, Instant windowEnd, double observed,
            double baseline, double ratio, String severity) {

        static Alert of(TrendAlert alert) {
            return new Alert(String.valueOf(alert.getProductId()), alert.getMetric().name(), alert.getWindowStart(),
                    alert.getWindowEnd(), alert.getObserved(), alert.getBaseline(), alert.getRatio(),
                    alert.getSeverity().name());
        }
    }

    public AlertFeed(String bootstrapServers, String topic, SchemaRegistrySettings registry, LiveEventLog log) {
        this.reader = new CommittedTopicReader<>(bootstrapServers, topic, CommittedTopicReader.Start.LATEST,
                ConfluentAvro.forSpecificDeserialization(TrendAlert.class, registry),
                new CommittedTopicReader.Listener<>() {
                    @Override
                    public void onRecords(List<TrendAlert> alerts) {
                        for (TrendAlert alert : alerts) {
                            if (alert != null) { // the job writes only TrendAlerts; anything else is not one
                                log.publish(EVENT, QueryJson.write(Alert.of(alert)));
                            }
                        }
                    }

                    @Override
                    public void onCaughtUp(Instant moment) {
                        live = true;
                    }
                });
    }

    /** True once the feed reads the topic's end: every alert committed from then on will be published. */
    public boolean isLive() {
        return live;
    }

    @Override
    public void close() throws InterruptedException {
        reader.close();
    }
}
