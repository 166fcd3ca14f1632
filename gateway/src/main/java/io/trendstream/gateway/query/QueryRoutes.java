package io.trendstream.gateway.query;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.trendstream.config.PipelineOptions;
import io.trendstream.gateway.GatewayConfig;
import io.trendstream.gateway.RouteGroup;
import io.trendstream.gateway.live.Resources;
import io.trendstream.gateway.query.QueryParameters.TimeRange;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The query API (gateway/README.md, "Query API"): read-only REST over the job's tables, the hourly rollup and the
 * dead-letter topic. Parameters are checked before any query runs (400 naming the parameter); lists are keyset pages
 * ({@code limit}, {@code cursor} -> {@code next_cursor}); a database or Kafka that cannot answer is a 503.
 */
public final class QueryRoutes implements RouteGroup {

    public static final String PRODUCT_WINDOWS = "/api/v1/products/{product_id}/windows";
    public static final String TOP_PRODUCTS = "/api/v1/top-products";
    public static final String ALERTS = "/api/v1/alerts";
    public static final String LATE_EVENT_COUNT = "/api/v1/late-events/count";
    public static final String DEAD_LETTER_COUNT = "/api/v1/dead-letters/count";

    /** {@code window_start=latest}: the newest window any product has. */
    static final String LATEST = "latest";
    private static final Duration DEAD_LETTER_WAIT = Duration.ofSeconds(10);

    private final AnalyticsQueries queries;
    private final DeadLetterCounter deadLetters;
    private final AutoCloseable[] owned;

    /**
     * @param owned closed with this group, in order (e.g. the counter, then the pool)
     */
    public QueryRoutes(AnalyticsQueries queries, DeadLetterCounter deadLetters, AutoCloseable... owned) {
        this.queries = queries;
        this.deadLetters = deadLetters;
        this.owned = owned.clone();
    }

    /** The query API of a running gateway: its counter reads the dead-letter topic; the pool is closed with it. */
    public static QueryRoutes create(GatewayConfig config, ReaderPool pool) {
        DeadLetterCounter counter = new DeadLetterCounter(config.bootstrapServers(),
                config.get(PipelineOptions.DEAD_LETTER_TOPIC), config.schemaRegistry());
        return new QueryRoutes(new AnalyticsQueries(pool.dataSource()), counter, counter, pool);
    }

    @Override
    public void addTo(JavalinConfig config) {
        config.routes.get(PRODUCT_WINDOWS, this::productWindows);
        config.routes.get(TOP_PRODUCTS, this::topProducts);
        config.routes.get(ALERTS, this::alerts);
        config.routes.get(LATE_EVENT_COUNT, this::lateEventCount);
        config.routes.get(DEAD_LETTER_COUNT, this::deadLetterCount);
        config.routes.exception(InvalidParameterException.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST)
                .json(Map.of("error", "invalid_parameter", "parameter", e.parameter(), "message", e.getMessage())));
        config.routes.exception(SQLException.class, (e, ctx) -> {
            boolean unavailable = e instanceof SQLTransientException || isUnavailable(e.getSQLState());
            ctx.status(unavailable ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.INTERNAL_SERVER_ERROR)
                    .json(Map.of("error", unavailable ? "database_unavailable" : "database_error",
                            "message", "The database could not answer: " + e.getMessage()));
        });
        config.routes.exception(TimeoutException.class, (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                .json(Map.of("error", "kafka_unavailable", "message", e.getMessage())));
    }

    private void productWindows(Context ctx) throws SQLException {
        QueryParameters parameters = parameters(ctx);
        String productId = QueryParameters.productId("product_id", ctx.pathParam("product_id"));
        TimeRange range = parameters.range("from", "to");
        json(ctx, queries.productWindows(productId, range, parameters.limit(), parameters.cursor(1)));
    }

    private void topProducts(Context ctx) throws SQLException {
        QueryParameters parameters = parameters(ctx);
        Ranking ranking = parameters.optionalEnum("by", Ranking.class).orElse(Ranking.REVENUE);
        Optional<String> window = parameters.optional("window_start");
        Optional<String> hour = parameters.optional("hour");
        if (window.isPresent() == hour.isPresent()) {
            throw new InvalidParameterException(window.isPresent() ? "hour" : "window_start",
                    "give exactly one of window_start (an instant, or 'latest') and hour");
        }
        int limit = parameters.limit();
        Optional<Cursor> cursor = parameters.cursor(2);
        if (hour.isPresent()) {
            Instant bucket = parameters.instant("hour");
            if (!bucket.truncatedTo(ChronoUnit.HOURS).equals(bucket)) {
                throw new InvalidParameterException("hour", "must be the start of a UTC hour, e.g. "
                        + bucket.truncatedTo(ChronoUnit.HOURS));
            }
            json(ctx, queries.topProductsOfHour(ranking, bucket, limit, cursor));
            return;
        }
        Optional<Instant> start = LATEST.equals(window.get())
                ? queries.latestWindowStart() : Optional.of(parameters.instant("window_start"));
        if (start.isEmpty()) { // no window yet
            json(ctx, new Rows.TopProducts<>(ranking.name().toLowerCase(java.util.Locale.ROOT), null, null,
                    java.util.List.of(), null));
            return;
        }
        json(ctx, queries.topProductsOfWindow(ranking, start.get(), limit, cursor));
    }

    private void alerts(Context ctx) throws SQLException {
        QueryParameters parameters = parameters(ctx);
        Instant since = parameters.instant("since");
        Optional<String> severity = parameters.optionalEnum("severity", Severity.class).map(Enum::name);
        json(ctx, queries.alertsSince(since, severity, parameters.limit(), parameters.cursor(3)));
    }

    private void lateEventCount(Context ctx) throws SQLException {
        QueryParameters parameters = parameters(ctx);
        TimeRange range = parameters.range("from", "to");
        Optional<String> productId = parameters.optional("product_id")
                .map(p -> QueryParameters.productId("product_id", p));
        json(ctx, queries.lateEvents(range, productId));
    }

    private void deadLetterCount(Context ctx) throws TimeoutException, InterruptedException {
        json(ctx, deadLetters.countCommittedBefore(DEAD_LETTER_WAIT));
    }

    /** The severities of trend_alerts_severity_check. */
    enum Severity { MEDIUM, HIGH }

    private static QueryParameters parameters(Context ctx) {
        Map<String, java.util.List<String>> all = ctx.queryParamMap();
        return new QueryParameters(name -> {
            java.util.List<String> values = all.get(name);
            if (values != null && values.size() > 1) {
                throw new InvalidParameterException(name, "given " + values.size() + " times");
            }
            return values == null ? null : values.get(0);
        });
    }

    private static void json(Context ctx, Object answer) {
        ctx.contentType("application/json").result(QueryJson.write(answer));
    }

    /** Connection failures (class 08), cancelled by statement_timeout (57014), server shutting down (57P). */
    private static boolean isUnavailable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57014") || sqlState.startsWith("57P"));
    }

    @Override
    public void close() throws Exception {
        Resources.closeAll(owned);
    }
}
