-- TimescaleDB: hypertables, compression after 7 days, retention after 90 days.
-- Runs only where the timescaledb extension is available (pg_available_extensions); on plain PostgreSQL it only
-- raises a NOTICE and the tables of 001 stay plain tables.
-- Every TimescaleDB-only statement is dynamic SQL in a $ts$ literal (EXECUTE), so plain PostgreSQL never has to
-- resolve it (SqlSchemaITCase syntax-checks each $ts$ literal on plain PostgreSQL).
-- Idempotent: if_not_exists everywhere, and compression settings are only set while compression is off
-- (TimescaleDB refuses to change them once chunks are compressed).

DO $timescaledb$
DECLARE
    compressed boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
        RAISE NOTICE 'TimescaleDB is not available: product_window_stats, trend_alerts and late_events stay plain tables';
        RETURN;
    END IF;

    -- Fails with TimescaleDB's own hint if the library is installed but not in shared_preload_libraries.
    EXECUTE $ts$CREATE EXTENSION IF NOT EXISTS timescaledb$ts$;

    -- product_window_stats: 1-day chunks by window_start (a day of 5-minute windows per chunk).
    -- No default indexes: 001 creates ours.
    EXECUTE $ts$SELECT create_hypertable('product_window_stats', 'window_start', chunk_time_interval => INTERVAL '1 day',
        if_not_exists => TRUE, create_default_indexes => FALSE, migrate_data => TRUE)$ts$;
    EXECUTE $ts$SELECT compression_enabled FROM timescaledb_information.hypertables
        WHERE hypertable_schema = current_schema() AND hypertable_name = 'product_window_stats'$ts$ INTO compressed;
    IF NOT coalesce(compressed, FALSE) THEN
        EXECUTE $ts$ALTER TABLE product_window_stats SET (timescaledb.compress,
            timescaledb.compress_segmentby = 'product_id', timescaledb.compress_orderby = 'window_start DESC')$ts$;
    END IF;
    EXECUTE $ts$SELECT add_compression_policy('product_window_stats', INTERVAL '7 days', if_not_exists => TRUE)$ts$;
    EXECUTE $ts$SELECT add_retention_policy('product_window_stats', INTERVAL '90 days', if_not_exists => TRUE)$ts$;

    -- trend_alerts: chunks by window_start
    EXECUTE $ts$SELECT create_hypertable('trend_alerts', 'window_start', chunk_time_interval => INTERVAL '1 day',
        if_not_exists => TRUE, create_default_indexes => FALSE, migrate_data => TRUE)$ts$;
    EXECUTE $ts$SELECT compression_enabled FROM timescaledb_information.hypertables
        WHERE hypertable_schema = current_schema() AND hypertable_name = 'trend_alerts'$ts$ INTO compressed;
    IF NOT coalesce(compressed, FALSE) THEN
        EXECUTE $ts$ALTER TABLE trend_alerts SET (timescaledb.compress,
            timescaledb.compress_segmentby = 'product_id, metric', timescaledb.compress_orderby = 'window_start DESC')$ts$;
    END IF;
    EXECUTE $ts$SELECT add_compression_policy('trend_alerts', INTERVAL '7 days', if_not_exists => TRUE)$ts$;
    EXECUTE $ts$SELECT add_retention_policy('trend_alerts', INTERVAL '90 days', if_not_exists => TRUE)$ts$;

    -- late_events: chunks by event_time
    EXECUTE $ts$SELECT create_hypertable('late_events', 'event_time', chunk_time_interval => INTERVAL '1 day',
        if_not_exists => TRUE, create_default_indexes => FALSE, migrate_data => TRUE)$ts$;
    EXECUTE $ts$SELECT compression_enabled FROM timescaledb_information.hypertables
        WHERE hypertable_schema = current_schema() AND hypertable_name = 'late_events'$ts$ INTO compressed;
    IF NOT coalesce(compressed, FALSE) THEN
        EXECUTE $ts$ALTER TABLE late_events SET (timescaledb.compress,
            timescaledb.compress_segmentby = 'product_id', timescaledb.compress_orderby = 'event_time DESC')$ts$;
    END IF;
    EXECUTE $ts$SELECT add_compression_policy('late_events', INTERVAL '7 days', if_not_exists => TRUE)$ts$;
    EXECUTE $ts$SELECT add_retention_policy('late_events', INTERVAL '90 days', if_not_exists => TRUE)$ts$;
END
$timescaledb$;
