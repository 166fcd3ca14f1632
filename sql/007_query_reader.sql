-- trendstream_reader: the read-only role of the gateway's query API (gateway/README.md). It can read the job's
-- tables and the hourly rollup, nothing else: no INSERT/UPDATE/DELETE, no other schema's objects.
-- NOLOGIN, so no password lives in this file: the gateway logs in as a role of the operator's that is a member of it,
--   CREATE ROLE trendstream_gateway LOGIN PASSWORD '...' IN ROLE trendstream_reader;
-- (the password from a secret store, never from sql/).
-- Applying this needs CREATEROLE unless the role exists already (roles are per server, not per database: a second
-- database on the same server finds it and only grants). Runs after 003 and 006 on purpose: 003 replaces the plain view by
-- the continuous aggregate when a database moves onto TimescaleDB, which drops the view's grants; these restore them.
-- Idempotent: the role is created only when missing, and granting again what is granted changes nothing.

DO $reader$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'trendstream_reader') THEN
        CREATE ROLE trendstream_reader NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN
    NULL; -- another database of this server created it at the same moment
END
$reader$;

DO $grants$
BEGIN
    -- The schema the tables were created in (001 creates them unqualified, in the current schema).
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO trendstream_reader', current_schema());
END
$grants$;

-- On TimescaleDB, a grant on the continuous aggregate also reaches its materialisation hypertable.
GRANT SELECT ON product_window_stats, trend_alerts, late_events, product_hourly_stats TO trendstream_reader;
-- The catalog (006): names for the rows, current as of the query.
GRANT SELECT ON products, product_window_stats_named, trend_alerts_named, product_hourly_stats_named TO trendstream_reader;

