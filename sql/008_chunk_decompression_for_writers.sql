-- decompress_chunk_for_write(chunk): decompresses a compressed chunk of the job's hypertables, for the job's exactly-once
-- sinks, which decompress a chunk before they write rows into it outside their XA transactions (a replay, an event
-- older than the 7-day compression of 002; why: README, "The JDBC XA sink on PostgreSQL: pitfalls handled").
-- TimescaleDB's decompress_chunk needs the hypertable's owner, and the job may write as a role that is not (bin/pipeline's
-- trendstream): this function runs as its owner (SECURITY DEFINER), for chunks of product_window_stats, trend_alerts
-- and late_events only, and only the role trendstream_writer (NOLOGIN) may call it:
--   GRANT trendstream_writer TO <the job's jdbc.user>;
-- (the job's preflight says so where it is missing). Returns whether it decompressed the chunk; a chunk no longer
-- compressed is left alone. The compression policy of 002 compresses it again.
-- TimescaleDB only (as 002: plain PostgreSQL has nothing to decompress); the role is created on both.
-- Idempotent: the role only when missing, CREATE OR REPLACE FUNCTION with the same definition, grants again.

DO $writer$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'trendstream_writer') THEN
        CREATE ROLE trendstream_writer NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN
    NULL; -- another database of this server created it at the same moment
END
$writer$;

DO $decompress$
DECLARE
    tsdb_schema name;
BEGIN
    SELECT n.nspname INTO tsdb_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'timescaledb';
    IF tsdb_schema IS NULL THEN
        RETURN;
    END IF;
    -- The search path is pinned (SECURITY DEFINER); the job's schema and TimescaleDB's are written into the body.
    EXECUTE format($ts$
        CREATE OR REPLACE FUNCTION %1$I.decompress_chunk_for_write(chunk regclass) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
        DECLARE
            hypertable regclass;
            compressed boolean;
        BEGIN
            SELECT format('%%I.%%I', c.hypertable_schema, c.hypertable_name)::regclass, c.is_compressed
            INTO hypertable, compressed
            FROM timescaledb_information.chunks c
            WHERE format('%%I.%%I', c.chunk_schema, c.chunk_name)::regclass = chunk;
            IF hypertable IS NULL OR hypertable NOT IN ('%1$I.product_window_stats'::regclass,
                    '%1$I.trend_alerts'::regclass, '%1$I.late_events'::regclass) THEN
                RAISE EXCEPTION 'decompress_chunk_for_write: %% is not a chunk of the job''s hypertables', chunk;
            END IF;
            IF NOT compressed THEN
                RETURN FALSE;
            END IF;
            PERFORM %2$I.decompress_chunk(chunk, if_compressed => TRUE);
            RETURN TRUE;
        END
        $body$
    $ts$, current_schema(), tsdb_schema);
    EXECUTE format($ts$REVOKE ALL ON FUNCTION %I.decompress_chunk_for_write(regclass) FROM PUBLIC$ts$, current_schema());
    EXECUTE format($ts$GRANT EXECUTE ON FUNCTION %I.decompress_chunk_for_write(regclass) TO trendstream_writer$ts$,
        current_schema());
END
$decompress$;
