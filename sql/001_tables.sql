-- TrendStream tables and indexes. Plain PostgreSQL; 002 turns the tables into TimescaleDB hypertables when available.
-- Idempotent: every statement is IF NOT EXISTS (or a COMMENT, which rewrites the same text).
-- Every primary key includes the time column because hypertables require it of unique indexes.
-- The Flink job writes with INSERT ... ON CONFLICT (<primary key>) DO UPDATE, so the keys below are its contract.

CREATE TABLE IF NOT EXISTS product_window_stats (
    window_start    timestamptz   NOT NULL,
    window_end      timestamptz   NOT NULL,
    product_id      text          NOT NULL,
    orders          bigint        NOT NULL,
    units           bigint        NOT NULL,
    revenue         numeric(18,2) NOT NULL,
    avg_order_value numeric(18,2) NOT NULL,
    distinct_users  bigint        NOT NULL,
    views           bigint        NOT NULL,
    conversion      double precision NULL,
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT product_window_stats_pkey PRIMARY KEY (product_id, window_start)
);

CREATE TABLE IF NOT EXISTS trend_alerts (
    window_start timestamptz      NOT NULL,
    window_end   timestamptz      NOT NULL,
    product_id   text             NOT NULL,
    metric       text             NOT NULL,
    observed     double precision NOT NULL,
    baseline     double precision NOT NULL,
    ratio        double precision NOT NULL,
    severity     text             NOT NULL,
    detected_at  timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT trend_alerts_pkey PRIMARY KEY (product_id, metric, window_start),
    CONSTRAINT trend_alerts_metric_check CHECK (metric IN ('REVENUE', 'VIEWS')),
    CONSTRAINT trend_alerts_severity_check CHECK (severity IN ('MEDIUM', 'HIGH'))
);

CREATE TABLE IF NOT EXISTS late_events (
    event_time           timestamptz   NOT NULL,
    event_id             text          NOT NULL,
    product_id           text          NOT NULL,
    kind                 text          NOT NULL,
    window_start         timestamptz   NOT NULL,
    units                integer       NOT NULL,
    revenue              numeric(18,2) NOT NULL,
    watermark_at_arrival timestamptz   NOT NULL,
    recorded_at          timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT late_events_pkey PRIMARY KEY (event_id, product_id, event_time),
    CONSTRAINT late_events_kind_check CHECK (kind IN ('ORDER', 'VIEW'))
);

-- Dashboards read the latest windows across all products; per-product series use the primary key
-- (product_id, window_start), which a B-tree also scans backwards.
CREATE INDEX IF NOT EXISTS product_window_stats_window_start_idx
    ON product_window_stats (window_start DESC);

-- Alert feeds: newest first, optionally only HIGH.
CREATE INDEX IF NOT EXISTS trend_alerts_window_start_idx
    ON trend_alerts (window_start DESC);
CREATE INDEX IF NOT EXISTS trend_alerts_severity_window_start_idx
    ON trend_alerts (severity, window_start DESC);

-- Late-data monitoring: newest first, and per product/window to see what a window missed.
CREATE INDEX IF NOT EXISTS late_events_event_time_idx
    ON late_events (event_time DESC);
CREATE INDEX IF NOT EXISTS late_events_product_window_idx
    ON late_events (product_id, window_start DESC);

COMMENT ON TABLE product_window_stats IS
    'Per-product metrics of one 5-minute event-time window; upserted by the Flink job (key product_id, window_start).';
COMMENT ON COLUMN product_window_stats.conversion IS
    'orders / views of the window; NULL when the window had no views.';
COMMENT ON COLUMN product_window_stats.updated_at IS
    'When the row was last written; late firings of a window update it.';
COMMENT ON TABLE trend_alerts IS
    'A metric (REVENUE or VIEWS) of a product window that exceeded its baseline; severity MEDIUM or HIGH.';
COMMENT ON COLUMN trend_alerts.ratio IS 'observed / baseline.';
COMMENT ON TABLE late_events IS
    'Events that arrived after their window closed (behind the watermark) and went to the side output.';
COMMENT ON COLUMN late_events.watermark_at_arrival IS 'The operator watermark when the late event arrived.';
