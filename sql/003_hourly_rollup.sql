-- product_hourly_stats: hourly rollup of product_window_stats, same name and columns on both databases:
--   bucket timestamptz, product_id text, orders bigint, units bigint, revenue numeric(18,2), views bigint,
--   conversion double precision (orders / views of the hour, NULL without views).
-- TimescaleDB (extension installed by 002): a continuous aggregate over time_bucket('1 hour', window_start),
--   real-time (materialized_only = false: hours above the materialised range are computed from the base table)
--   with a refresh policy derived from the job's bounds (see below and sql/README.md).
-- Plain PostgreSQL: an ordinary view over date_trunc('hour', window_start), computed at query time.
-- Every TimescaleDB-only statement is dynamic SQL in a $ts$ literal (EXECUTE), as in 002.
-- Idempotent: IF NOT EXISTS / if_not_exists on TimescaleDB, CREATE OR REPLACE VIEW (same definition) otherwise; a
-- refresh policy with other offsets (an older version of this file) is replaced.

DO $rollup$
DECLARE
    is_cagg boolean;
    policy_matches boolean;
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
        -- A database set up before TimescaleDB was installed has the plain view: the aggregate replaces it, and
        -- 004 materialises the history the base table already holds.
        DROP VIEW IF EXISTS product_hourly_stats;
        -- WITH NO DATA: creating WITH DATA cannot run inside a DO block; 004 and the refresh policy fill it.
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
        -- The user-facing relation of a continuous aggregate is a view (relkind 'v'): COMMENT ON MATERIALIZED VIEW
        -- fails with '"product_hourly_stats" is not a materialized view'.
        COMMENT ON VIEW product_hourly_stats IS
            'Hourly per-product rollup of product_window_stats (TimescaleDB continuous aggregate).';
    END IF;

    -- Refresh policy, from the job's bounds (window.size 5 min, window.allowed-lateness 2 min,
    -- watermark.out-of-orderness 30 s, checkpoint.interval 10 s: a window's row is final about 8 min after its end):
    --   end_offset 10 minutes: an hour is materialised only once its last window can no longer change;
    --   schedule_interval 5 minutes (one window): a rewrite of a materialised hour is picked up within one window;
    --   start_offset 30 days: rewrites up to 30 days old are picked up (replays, restores); it must stay below the
    --   90-day retention of 002, or refreshing over dropped chunks would delete the rollup's history.
    EXECUTE $ts$
        SELECT coalesce(bool_and((j.config ->> 'start_offset')::interval = INTERVAL '30 days'
                             AND (j.config ->> 'end_offset')::interval = INTERVAL '10 minutes'
                             AND j.schedule_interval = INTERVAL '5 minutes'), TRUE)
        FROM timescaledb_information.jobs j, timescaledb_information.continuous_aggregates ca
        WHERE ca.view_schema = current_schema() AND ca.view_name = 'product_hourly_stats'
          -- jobs names the aggregate by its view (or, in some versions, by its materialization hypertable)
          AND (j.hypertable_schema, j.hypertable_name) IN ((ca.view_schema, ca.view_name),
               (ca.materialization_hypertable_schema, ca.materialization_hypertable_name))
          AND j.proc_name = 'policy_refresh_continuous_aggregate'
    $ts$ INTO policy_matches;
    IF NOT policy_matches THEN
        EXECUTE $ts$SELECT remove_continuous_aggregate_policy('product_hourly_stats')$ts$;
    END IF;
    EXECUTE $ts$
        SELECT add_continuous_aggregate_policy('product_hourly_stats',
            start_offset      => INTERVAL '30 days',
            end_offset        => INTERVAL '10 minutes',
            schedule_interval => INTERVAL '5 minutes',
            if_not_exists     => TRUE)
    $ts$;
END
$rollup$;
