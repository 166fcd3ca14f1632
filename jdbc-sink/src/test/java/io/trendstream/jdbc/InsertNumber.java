package io.trendstream.jdbc;

import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Inserts a number into a table with a bigint column n: a statement of the tests, with nothing of the domain. */
public final class InsertNumber implements JdbcQueryStatement<Long> {
    private static final long serialVersionUID = 1L;

    private final String table;

    public InsertNumber(String table) {
        this.table = table;
    }

    @Override
    public String query() {
        return "INSERT INTO " + table + " (n) VALUES (?)";
    }

    @Override
    public void statement(PreparedStatement ps, Long n) throws SQLException {
        ps.setLong(1, n);
    }
}
