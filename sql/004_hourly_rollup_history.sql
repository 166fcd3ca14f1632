-- trendstream:no-transaction
-- Materialises the history of product_hourly_stats that its refresh policy never reaches: on a database moved from
-- plain PostgreSQL onto TimescaleDB (002 migrated the rows, 003 created the aggregate WITH NO DATA), every hour
-- older than the policy's 30-day start_offset would otherwise vanish from the rollup at the policy's first run.
-- TimescaleDB only; on plain PostgreSQL (and when the rollup already starts where the base table starts) it does
-- nothing, so applying it again is harmless.
-- refresh_continuous_aggregate must run outside a transaction block and cannot be called through EXECUTE, so:
--   * this file is one statement (a multi-statement string is an implicit transaction block), applied in autocommit
--     (DatabaseSchema honours the no-transaction marker on the first line; psql -f autocommits each statement);
--   * the CALL is static, in a branch plain PostgreSQL never executes (PL/pgSQL resolves names only on execution).
-- Must run as the owner of product_hourly_stats (the role that applied 003), like the manual backfill in sql/README.md.

DO $history$
DECLARE
    base_start   timestamptz;
    rollup_start timestamptz;
    rollup_first text;
    refresh_end timestamptz := now() - INTERVAL '10 minutes'; -- the policy's end_offset (003)
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        RETURN;
    END IF;
    SELECT min(window_start) INTO base_start FROM product_window_stats;
    EXECUTE $ts$SELECT format('SELECT min(bucket) FROM %I.%I', materialization_hypertable_schema,
            materialization_hypertable_name)
        FROM timescaledb_information.continuous_aggregates
        WHERE view_schema = current_schema() AND view_name = 'product_hourly_stats'$ts$ INTO rollup_first;
    EXECUTE rollup_first INTO rollup_start; -- the first materialised hour (NULL: nothing materialised yet)
    IF base_start IS NULL OR base_start >= refresh_end - INTERVAL '1 hour'
            OR (rollup_start IS NOT NULL AND rollup_start <= base_start) THEN
        RETURN; -- nothing older than the real-time range, or the rollup already covers the base table's start
    END IF;
    RAISE NOTICE 'product_hourly_stats: materialising % to % from product_window_stats', base_start, refresh_end;
    -- From the base table's first row, never NULL: chunks dropped by retention left invalidations behind, and
    -- refreshing them would delete the rollup's history of those hours.
    CALL refresh_continuous_aggregate('product_hourly_stats', base_start, refresh_end);
END
$history$;
