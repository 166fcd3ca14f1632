-- TimescaleDB: hypertables, compression after 7 days, retention after 90 days.
-- Runs only where the timescaledb extension is available (pg_available_extensions) and the server was not started
-- as plain PostgreSQL on purpose (trendstream.timescaledb = off, set by the private servers of stack/ when
-- TRENDSTREAM_DATABASE=postgresql); otherwise it only raises a NOTICE and the tables of 001 stay plain tables.
-- Every TimescaleDB-only statement is dynamic SQL in a $ts$ literal (EXECUTE), so plain PostgreSQL never has to
-- resolve it (SqlSchemaITCase syntax-checks each $ts$ literal on plain PostgreSQL).
-- Idempotent: if_not_exists everywhere; compression settings are set only when they differ from the ones below, and
-- only while no chunk of the table is compressed (TimescaleDB refuses to change them then: a WARNING says so and the
-- table keeps its settings, see sql/README.md).

DO $timescaledb$
DECLARE
    ht          record;
    current_seg text;
    current_ord text;
    compressed  boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
        RAISE NOTICE 'TimescaleDB is not available: product_window_stats, trend_alerts and late_events stay plain tables';
        RETURN;
    END IF;
    IF current_setting('trendstream.timescaledb', TRUE) = 'off' THEN
        RAISE NOTICE 'TimescaleDB is not used (trendstream.timescaledb = off): the tables stay plain tables';
        RETURN;
    END IF;

    -- Fails with TimescaleDB's own hint if the library is installed but not in shared_preload_libraries.
    EXECUTE $ts$CREATE EXTENSION IF NOT EXISTS timescaledb$ts$;

    -- 1-day chunks (a day of 5-minute windows per chunk), no default indexes (001 creates ours).
    -- Compression: segmentby product_id (and metric), orderby the rest of the primary key, time first: an upsert's
    -- conflict check on a compressed chunk then reads one segment only (TimescaleDB warns about a key column that is
    -- in neither, e.g. late_events.event_id).
    FOR ht IN SELECT * FROM (VALUES
            ('product_window_stats', 'window_start', 'product_id',        'window_start DESC'),
            ('trend_alerts',         'window_start', 'product_id,metric', 'window_start DESC'),
            ('late_events',          'event_time',   'product_id',        'event_time DESC,event_id'))
            AS t(name, time_column, segmentby, orderby) LOOP
        EXECUTE format($ts$SELECT create_hypertable(%L, %L, chunk_time_interval => INTERVAL '1 day',
            if_not_exists => TRUE, create_default_indexes => FALSE, migrate_data => TRUE)$ts$, ht.name, ht.time_column);

        EXECUTE $ts$SELECT replace(segmentby, ' ', ''), replace(orderby, ' ', ''),
                EXISTS (SELECT 1 FROM timescaledb_information.chunks c WHERE c.hypertable_schema = current_schema()
                        AND c.hypertable_name = $1 AND c.is_compressed)
            FROM timescaledb_information.hypertable_compression_settings
            WHERE hypertable = to_regclass(quote_ident($1))$ts$
            INTO current_seg, current_ord, compressed USING ht.name;
        IF current_seg IS DISTINCT FROM replace(ht.segmentby, ' ', '')
                OR current_ord IS DISTINCT FROM replace(ht.orderby, ' ', '') THEN
            IF compressed THEN
                RAISE WARNING '%: compression settings stay segmentby=% orderby=% (chunks are compressed); see sql/README.md',
                    ht.name, current_seg, current_ord;
            ELSE
                EXECUTE format($ts$ALTER TABLE %I SET (timescaledb.compress,
                    timescaledb.compress_segmentby = %L, timescaledb.compress_orderby = %L)$ts$,
                    ht.name, ht.segmentby, ht.orderby);
            END IF;
        END IF;

        EXECUTE format($ts$SELECT add_compression_policy(%L, INTERVAL '7 days', if_not_exists => TRUE)$ts$, ht.name);
        EXECUTE format($ts$SELECT add_retention_policy(%L, INTERVAL '90 days', if_not_exists => TRUE)$ts$, ht.name);
    END LOOP;
END
$timescaledb$;
