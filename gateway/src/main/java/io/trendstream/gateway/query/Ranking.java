package io.trendstream.gateway.query;

/** What "top products" are ranked by: a column of both product_window_stats and product_hourly_stats. */
public enum Ranking {
    REVENUE("revenue"),
    ORDERS("orders"),
    VIEWS("views");

    /** The column; a constant, never request text, so it can be written into the SQL. */
    final String column;

    Ranking(String column) {
        this.column = column;
    }
}
