-- product_hourly_stats: hourly rollup of product_window_stats, same name and columns on both databases:
--   bucket timestamptz, product_id text, orders bigint, units bigint, revenue numeric(18,2), views bigint,
--   conversion double precision (orders / views of the hour, NULL without views).
-- TimescaleDB (extension installed by 002): a continuous aggregate over time_bucket('1 hour', window_start),
--   real-time (materialized_only = false, so unmaterialized recent hours are included) with a refresh policy.
-- Plain PostgreSQL: an ordinary view over date_trunc('hour', window_start), computed at query time.
-- Every TimescaleDB-only statement is dynamic SQL in a $ts$ literal (EXECUTE), as in 002.
-- Idempotent: IF NOT EXISTS / if_not_exists on TimescaleDB, CREATE OR REPLACE VIEW (same definition) otherwise.

DO $rollup$
DECLARE
    is_cagg boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        -- date_trunc in UTC, like time_bucket: the session time zone must not move hour boundaries.
        CREATE OR REPLACE VIEW product_hourly_stats AS
        SELECT date_trunc('hour', window_start, 'UTC')            AS bucket,
               product_id,
               sum(orders)::bigint                               AS orders,
               sum(units)::bigint                                AS units,
               sum(revenue)::numeric(18,2)                       AS revenue,
               sum(views)::bigint                                AS views,
               sum(orders)::float8 / NULLIF(sum(views), 0)       AS conversion
        FROM product_window_stats
        GROUP BY date_trunc('hour', window_start, 'UTC'), product_id;
        COMMENT ON VIEW product_hourly_stats IS
            'Hourly per-product rollup of product_window_stats (plain view; a continuous aggregate on TimescaleDB).';
        RETURN;
    END IF;

    EXECUTE $ts$SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates
        WHERE view_schema = current_schema() AND view_name = 'product_hourly_stats')$ts$ INTO is_cagg;
    IF NOT is_cagg THEN
        -- A database set up before TimescaleDB was installed has the plain view: the aggregate replaces it.
        DROP VIEW IF EXISTS product_hourly_stats;
        -- WITH NO DATA: creating WITH DATA cannot run inside a DO block; the refresh policy fills it.
        EXECUTE $ts$
            CREATE MATERIALIZED VIEW IF NOT EXISTS product_hourly_stats
            WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
            SELECT time_bucket(INTERVAL '1 hour', window_start)      AS bucket,
                   product_id,
                   sum(orders)::bigint                               AS orders,
                   sum(units)::bigint                                AS units,
                   sum(revenue)::numeric(18,2)                       AS revenue,
                   sum(views)::bigint                                AS views,
                   sum(orders)::float8 / NULLIF(sum(views), 0)       AS conversion
            FROM product_window_stats
            GROUP BY time_bucket(INTERVAL '1 hour', window_start), product_id
            WITH NO DATA
        $ts$;
        EXECUTE $ts$
            COMMENT ON MATERIALIZED VIEW product_hourly_stats IS
                'Hourly per-product rollup of product_window_stats (TimescaleDB continuous aggregate).'
        $ts$;
    END IF;

    -- Re-materialise the last 3 days (late windows) up to 1 hour ago every 15 minutes; newer hours are real-time.
    EXECUTE $ts$
        SELECT add_continuous_aggregate_policy('product_hourly_stats',
            start_offset      => INTERVAL '3 days',
            end_offset        => INTERVAL '1 hour',
            schedule_interval => INTERVAL '15 minutes',
            if_not_exists     => TRUE)
    $ts$;
END
$rollup$;
