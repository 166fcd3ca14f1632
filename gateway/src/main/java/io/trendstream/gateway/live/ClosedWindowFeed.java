package io.trendstream.gateway.live;

import io.trendstream.gateway.query.AnalyticsQueries;
import io.trendstream.gateway.query.QueryJson;
import io.trendstream.gateway.query.Ranking;
import io.trendstream.gateway.query.Rows.TopProducts;
import io.trendstream.gateway.query.Rows.WindowRow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Publishes a {@code window} event with a window's top products whenever committed rows of
 * {@code product_window_stats} appear or change for it.
 *
 * <p>Why the table and not a topic: the job writes windows only to the database, through its XA sink, so a row is
 * visible exactly when the checkpoint that produced it completed, and it exists only once its window has fired
 * (closed at the watermark). Polling what is committed is therefore the live view of closed windows, with no second
 * path that could disagree with the query API. Each poll reads, per window of the last {@link #LOOKBACK}, its row
 * count and newest {@code updated_at} (a range scan of the window_start index); a window whose pair changed (its
 * first rows, more products committed by another sink subtask, a late firing within the allowed lateness) is
 * published again with its new top products. The first poll only learns the current state.
 */
public final class ClosedWindowFeed implements AutoCloseable {

    /** The SSE event name. */
    public static final String EVENT = "window";
    /** How far back from the newest window changes are watched: beyond the job's allowed lateness. */
    static final Duration LOOKBACK = Duration.ofMinutes(30);
    /** Products per window event. */
    public static final int TOP_PRODUCTS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ClosedWindowFeed.class);

    private final DataSource dataSource;
    private final AnalyticsQueries queries;
    private final LiveEventLog log;
    private final int topProducts;
    private final ScheduledExecutorService poller;
    private final Map<Instant, Signature> seen = new HashMap<>(); // poller thread only
    private boolean initialised; // poller thread only

    private record Signature(long rows, Instant lastUpdate) {}

    /** A window as clients see it: its bounds, how many products it has, and the top ones by revenue. */
    public record ClosedWindow(Instant windowStart, Instant windowEnd, long products, List<WindowRow> top) {}

    public ClosedWindowFeed(DataSource dataSource, LiveEventLog log, Duration pollInterval, int topProducts) {
        this.dataSource = dataSource;
        this.queries = new AnalyticsQueries(dataSource);
        this.log = log;
        this.topProducts = topProducts;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "closed-window-feed");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::pollQuietly, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Polling product_window_stats failed, trying again at the next poll: {}", e.toString());
        }
    }

    private void poll() throws SQLException {
        Optional<Instant> latest = queries.latestWindowStart();
        if (latest.isEmpty()) {
            initialised = true;
            return;
        }
        Instant from = latest.get().minus(LOOKBACK);
        Map<Instant, Signature> now = new HashMap<>();
        Map<Instant, Instant> ends = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT window_start, max(window_end), "
                     + "count(*), max(updated_at) FROM product_window_stats WHERE window_start >= ? "
                     + "GROUP BY window_start ORDER BY window_start")) {
            statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Instant start = rs.getObject(1, OffsetDateTime.class).toInstant();
                    ends.put(start, rs.getObject(2, OffsetDateTime.class).toInstant());
                    now.put(start, new Signature(rs.getLong(3), rs.getObject(4, OffsetDateTime.class).toInstant()));
                }
            }
        }
        List<Instant> changed = now.entrySet().stream()
                .filter(e -> !e.getValue().equals(seen.get(e.getKey())))
                .map(Map.Entry::getKey).sorted().toList();
        seen.keySet().removeIf(start -> start.isBefore(from));
        for (Instant start : changed) {
            if (initialised) {
                TopProducts<WindowRow> top = queries.topProductsOfWindow(Ranking.REVENUE, start, topProducts,
                        Optional.empty());
                log.publish(EVENT, QueryJson.write(new ClosedWindow(start, ends.get(start), now.get(start).rows(),
                        top.items())));
            }
            seen.put(start, now.get(start)); // only once published: a failed poll publishes it next time
        }
        initialised = true;
    }

    @Override
    public void close() throws InterruptedException {
        poller.shutdownNow();
        poller.awaitTermination(10, TimeUnit.SECONDS);
    }
}
