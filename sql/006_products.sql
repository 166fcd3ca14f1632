-- products: the product catalog, kept equal to the compacted products topic by the Flink job (upsert per product, a
-- tombstone deletes the row), and the *_named views that show each row with its product's current name.
-- Why a table and not name columns on the window rows (sql/README.md, "Product names"): a rename changes one row here
-- and every query shows it at once; product_window_stats, trend_alerts and the hourly rollup stay keyed and grouped by
-- product_id alone, so a rename never splits a product's history or makes a materialised hour stale.
-- Plain PostgreSQL and TimescaleDB alike (a small, time-less table: no hypertable). Idempotent: IF NOT EXISTS, and
-- CREATE OR REPLACE VIEW with the same definition.

CREATE TABLE IF NOT EXISTS products (
    product_id text          NOT NULL,
    name       text          NOT NULL,
    category   text          NOT NULL,
    list_price numeric(12,2) NULL,
    updated_at timestamptz   NOT NULL,
    written_at timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT products_pkey PRIMARY KEY (product_id)
);

COMMENT ON TABLE products IS
    'The product catalog as the job last read it from the products topic (key product_id); a removed product has no row.';
COMMENT ON COLUMN products.updated_at IS 'The catalog record''s own update time (Product.updatedAt).';
COMMENT ON COLUMN products.written_at IS 'When the job last wrote the row.';

-- Window rows with their product's current name and category; empty for a product the catalog does not hold.
CREATE OR REPLACE VIEW product_window_stats_named AS
SELECT w.window_start, w.window_end, w.product_id,
       coalesce(p.name, '')     AS product_name,
       coalesce(p.category, '') AS category,
       w.orders, w.units, w.revenue, w.avg_order_value, w.distinct_users, w.views, w.conversion, w.updated_at
FROM product_window_stats w
LEFT JOIN products p ON p.product_id = w.product_id;

COMMENT ON VIEW product_window_stats_named IS
    'product_window_stats with the current product_name and category from products (empty when not in the catalog).';

CREATE OR REPLACE VIEW trend_alerts_named AS
SELECT a.window_start, a.window_end, a.product_id,
       coalesce(p.name, '')     AS product_name,
       coalesce(p.category, '') AS category,
       a.metric, a.observed, a.baseline, a.ratio, a.severity, a.detected_at
FROM trend_alerts a
LEFT JOIN products p ON p.product_id = a.product_id;

COMMENT ON VIEW trend_alerts_named IS
    'trend_alerts with the current product_name and category from products (empty when not in the catalog).';

-- The rollup stays grouped by product_id (a continuous aggregate on TimescaleDB): names are joined at query time, so
-- a rename needs no refresh and never splits an hour into two groups.
CREATE OR REPLACE VIEW product_hourly_stats_named AS
SELECT h.bucket, h.product_id,
       coalesce(p.name, '')     AS product_name,
       coalesce(p.category, '') AS category,
       h.orders, h.units, h.revenue, h.views, h.conversion
FROM product_hourly_stats h
LEFT JOIN products p ON p.product_id = h.product_id;

COMMENT ON VIEW product_hourly_stats_named IS
    'product_hourly_stats with the current product_name and category from products (empty when not in the catalog).';
