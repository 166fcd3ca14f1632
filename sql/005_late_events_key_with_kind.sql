-- late_events: event ids are unique per kind of event, so an order and a view with the same id are two events and
-- both are stored. The primary key (the sink's ON CONFLICT target) was (event_id, product_id, event_time), under which
-- the second of the two was dropped as a replay of the first; it becomes (event_id, kind, product_id, event_time).
-- Idempotent: the key is replaced only while it lacks kind.
-- TimescaleDB cannot create a unique constraint over compressed chunks, so late_events' compressed chunks (older
-- than 7 days) are decompressed first; the compression policy compresses them again on its next runs. Late events
-- are few, so this is small; the table is locked (ACCESS EXCLUSIVE) until the script commits.
-- Apply it before the version of the job whose insert names the new key: that job's preflight refuses a database
-- without it.

DO $key$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
               WHERE c.conrelid = 'late_events'::regclass AND c.contype = 'p' AND a.attname = 'kind') THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        EXECUTE $ts$SELECT count(decompress_chunk(format('%I.%I', chunk_schema, chunk_name)::regclass, if_compressed => TRUE))
                    FROM timescaledb_information.chunks WHERE hypertable_name = 'late_events' AND is_compressed$ts$;
    END IF;
    ALTER TABLE late_events DROP CONSTRAINT late_events_pkey;
    ALTER TABLE late_events ADD CONSTRAINT late_events_pkey PRIMARY KEY (event_id, kind, product_id, event_time);
END
$key$;
