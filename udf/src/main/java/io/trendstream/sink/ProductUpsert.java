package io.trendstream.sink;

import io.trendstream.events.Product;
import io.trendstream.functions.ProductCatalog;
import io.trendstream.records.CatalogChange;

import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Keeps the {@value #TABLE} table equal to the catalog topic: a product replaces its row, a removal deletes it. Queries
 * join it by product id for names, so a rename shows on every window of the product, and the window rows and the
 * hourly rollup, keyed by id, never change with it (sql/README.md).
 *
 * <p>One statement for both, as the sink takes one: a data-modifying CTE deletes the row when the change is a removal
 * (no name) and the insert runs only when it is not. A replay applies the same changes in the same order, so the
 * table converges to the topic's latest record of each product.
 */
public final class ProductUpsert implements JdbcQueryStatement<CatalogChange> {
    private static final long serialVersionUID = 1L;

    public static final String TABLE = "products";

    @Override
    public String query() {
        return "WITH change (product_id, removed, name, category, list_price, updated_at) AS"
                + " (VALUES (?::text, ?::boolean, ?::text, ?::text, ?::numeric(12,2), ?::timestamptz)),"
                + " removal AS (DELETE FROM " + TABLE + " p USING change c WHERE c.removed AND p.product_id = c.product_id)"
                + " INSERT INTO " + TABLE + " (product_id, name, category, list_price, updated_at, written_at)"
                + " SELECT product_id, name, category, list_price, updated_at, now() FROM change WHERE NOT removed"
                + " ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,"
                + " list_price = EXCLUDED.list_price, updated_at = EXCLUDED.updated_at, written_at = now()";
    }

    @Override
    public void statement(PreparedStatement ps, CatalogChange change) throws SQLException {
        Product product = change.product();
        ps.setString(1, change.productId());
        ps.setBoolean(2, change.isRemoval());
        if (product == null) {
            ps.setNull(3, Types.VARCHAR);
            ps.setNull(4, Types.VARCHAR);
            ps.setNull(5, Types.NUMERIC);
            ps.setNull(6, Types.TIMESTAMP_WITH_TIMEZONE);
            return;
        }
        ps.setString(3, ProductCatalog.nameOf(product));
        ps.setString(4, ProductCatalog.categoryOf(product));
        ps.setBigDecimal(5, product.getListPrice());
        ps.setObject(6, Timestamps.of(product.getUpdatedAt().toEpochMilli()));
    }
}
