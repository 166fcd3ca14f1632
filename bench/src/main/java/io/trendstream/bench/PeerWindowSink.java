package io.trendstream.bench;

import io.trendstream.config.TrendSettings;
import io.trendstream.records.WindowAggregate;
import io.trendstream.sink.WindowAggregateUpsert;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * The peer's last step for each closed window: the EMA baseline per product in a state store (alerts forwarded as
 * text, as TrendDetector judges them), and the window row upserted into product_window_stats with the job's own
 * statement, in JDBC batches committed at least every {@link #FLUSH_EVERY}. Not transactional with Kafka: a replay
 * after a failure rewrites the same final rows (idempotent upsert), which is as far as Kafka Streams goes for an
 * external database.
 */
final class PeerWindowSink implements Processor<Windowed<String>, PeerWindowTotals, String, String> {
    static final String BASELINE_STORE = "ema-baseline";
    static final Duration FLUSH_EVERY = Duration.ofMillis(200);
    private static final int BATCH = 1_000;

    private final String jdbcUrl;
    private final Properties jdbcProperties;
    private final TrendSettings trends;
    private final WindowAggregateUpsert upsert = new WindowAggregateUpsert();
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, PeerSerdes.Baseline> baselines;
    private Connection connection;
    private PreparedStatement statement;
    private int pending;

    PeerWindowSink(String jdbcUrl, Properties jdbcProperties, TrendSettings trends) {
        this.jdbcUrl = jdbcUrl;
        this.jdbcProperties = jdbcProperties;
        this.trends = trends;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.baselines = context.getStateStore(BASELINE_STORE);
        try {
            connection = DriverManager.getConnection(jdbcUrl, jdbcProperties);
            connection.setAutoCommit(false);
            statement = connection.prepareStatement(upsert.query());
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to " + jdbcUrl, e);
        }
        context.schedule(FLUSH_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<Windowed<String>, PeerWindowTotals> record) {
        String productId = record.key().key();
        PeerWindowTotals acc = record.value();
        WindowAggregate window = new WindowAggregate(productId, record.key().window().start(), record.key().window().end(),
                acc.orders, acc.units, acc.revenueCents, acc.users.size(), acc.views);
        detectTrend(window);
        try {
            upsert.statement(statement, window);
            statement.addBatch();
            if (++pending >= BATCH) {
                flush();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Upsert into " + WindowAggregateUpsert.TABLE + " failed", e);
        }
    }

    /** TrendDetector's rule: after the warm-up, a metric at medium/high ratio of its EMA is an alert. */
    private void detectTrend(WindowAggregate window) {
        PeerSerdes.Baseline b = baselines.get(window.productId());
        if (b == null) {
            b = new PeerSerdes.Baseline();
        }
        if (window.windowEnd() <= b.lastWindowEnd) {
            return;
        }
        double revenue = window.revenue().doubleValue();
        double views = window.views();
        if (b.windowsSeen >= trends.warmUpWindows() && b.windowsSeen > 0) {
            judge(window, "REVENUE", revenue, b.revenueEma);
            judge(window, "VIEWS", views, b.viewsEma);
        }
        b.revenueEma = b.windowsSeen == 0 ? revenue : trends.emaAlpha() * revenue + (1 - trends.emaAlpha()) * b.revenueEma;
        b.viewsEma = b.windowsSeen == 0 ? views : trends.emaAlpha() * views + (1 - trends.emaAlpha()) * b.viewsEma;
        b.windowsSeen++;
        b.lastWindowEnd = window.windowEnd();
        baselines.put(window.productId(), b);
    }

    private void judge(WindowAggregate window, String metric, double observed, double baseline) {
        if (baseline <= 0) {
            return;
        }
        double ratio = observed / baseline;
        String severity = ratio >= trends.highRatio() ? "HIGH" : ratio >= trends.mediumRatio() ? "MEDIUM" : null;
        if (severity != null) {
            context.forward(new Record<>(window.productId(),
                    window.windowStart() + " " + metric + " " + severity + " " + ratio, window.windowEnd()));
        }
    }

    private void flush() {
        if (pending == 0) {
            return;
        }
        try {
            statement.executeBatch();
            connection.commit();
            pending = 0;
        } catch (SQLException e) {
            throw new IllegalStateException("Batch upsert into " + WindowAggregateUpsert.TABLE + " failed", e);
        }
    }

    @Override
    public void close() {
        try {
            flush();
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }
}
