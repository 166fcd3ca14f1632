package io.trendstream.jdbc;

import org.postgresql.xa.PGXADataSource;

import javax.sql.XADataSource;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where the sinks connect: URL and credentials of the PostgreSQL/TimescaleDB database. The password
 * is never part of {@link #toString()}.
 */
public final class PostgresXaConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final String user;
    private final String password;

    public PostgresXaConnection(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public XADataSource createXaDataSource() {
        PGXADataSource dataSource = new PGXADataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        if (password != null) {
            dataSource.setPassword(password);
        }
        return dataSource;
    }

    /** A plain (non-XA) connection, for checks and housekeeping. */
    public Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public String toString() {
        return "PostgresXaConnection{" + url + ", user=" + user + "}";
    }
}
