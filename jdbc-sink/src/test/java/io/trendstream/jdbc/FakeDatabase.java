package io.trendstream.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the few PostgreSQL queries the preflight and the janitor run, reachable through
 * {@link java.sql.DriverManager} at {@link #url()}: prepared transactions, the
 * max_prepared_transactions setting and which tables exist. Records every statement executed.
 */
public final class FakeDatabase {

    private static final String PREFIX = "jdbc:trendstream-fake:";
    private static final Map<String, FakeDatabase> DATABASES = new ConcurrentHashMap<>();

    static {
        try {
            DriverManager.registerDriver(new FakeDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String url = PREFIX + UUID.randomUUID();
    public final List<String> preparedGids = new ArrayList<>();
    public final Set<String> gidsFailingToRollBack = new HashSet<>();
    public final Set<String> tables = new HashSet<>();
    /** Table name to its primary key as pg_get_constraintdef shows it, e.g. {@code PRIMARY KEY (a, b)}. */
    public final Map<String, String> primaryKeys = new ConcurrentHashMap<>();
    public final List<String> executed = new ArrayList<>();
    public final List<Properties> connections = new ArrayList<>();
    public int maxPreparedTransactions = 64;
    /** Whether the timescaledb extension is installed, sql/008's decompression function exists, and the user may call it. */
    public boolean timescaledb;
    public boolean decompressFunction = true;
    public boolean mayDecompress = true;

    public FakeDatabase() {
        DATABASES.put(url, this);
    }

    public String url() {
        return url;
    }

    public PostgresXaConnection connection(String user, String password) {
        return new PostgresXaConnection(url, user, password);
    }

    private static final Pattern ROLLBACK = Pattern.compile("ROLLBACK PREPARED '(.*)'");
    private static final Pattern REGCLASS = Pattern.compile("SELECT to_regclass\\('(.*)'\\) IS NOT NULL");
    private static final Pattern PRIMARY_KEY = Pattern.compile("SELECT pg_get_constraintdef\\(oid\\) FROM pg_constraint"
            + " WHERE conrelid = to_regclass\\('(.*)'\\) AND contype = 'p'");

    private Connection open(Properties info) {
        connections.add(info);
        Statement statement = proxy(Statement.class, (p, method, args) -> switch (method.getName()) {
            case "executeQuery" -> query((String) args[0]);
            case "execute" -> execute((String) args[0]);
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method.getName());
        });
        return proxy(Connection.class, (p, method, args) -> switch (method.getName()) {
            case "createStatement" -> statement;
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    private ResultSet query(String sql) {
        executed.add(sql);
        if (sql.equals("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            return rows(new ArrayList<>(preparedGids));
        }
        if (sql.equals("SELECT current_setting('max_prepared_transactions')::int")) {
            return rows(List.of(maxPreparedTransactions));
        }
        if (sql.equals("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')")) {
            return rows(List.of(timescaledb));
        }
        if (sql.equals("SELECT to_regprocedure('decompress_chunk_for_write(regclass)') IS NOT NULL")) {
            return rows(List.of(decompressFunction));
        }
        if (sql.equals("SELECT has_function_privilege(current_user, 'decompress_chunk_for_write(regclass)', 'EXECUTE')")) {
            return rows(List.of(mayDecompress));
        }
        Matcher primaryKey = PRIMARY_KEY.matcher(sql);
        if (primaryKey.matches()) {
            String key = primaryKeys.get(primaryKey.group(1));
            return rows(key == null ? List.of() : List.of(key));
        }
        Matcher regclass = REGCLASS.matcher(sql);
        if (regclass.matches()) {
            return rows(List.of(tables.contains(regclass.group(1))));
        }
        throw new UnsupportedOperationException(sql);
    }

    private Object execute(String sql) throws SQLException {
        executed.add(sql);
        Matcher rollback = ROLLBACK.matcher(sql);
        if (!rollback.matches()) {
            throw new UnsupportedOperationException(sql);
        }
        String gid = rollback.group(1).replace("''", "'");
        if (gidsFailingToRollBack.contains(gid) || !preparedGids.remove(gid)) {
            throw new SQLException("prepared transaction with identifier \"" + gid + "\" does not exist", "42704");
        }
        return false;
    }

    private static ResultSet rows(List<?> values) {
        int[] position = {-1};
        return proxy(ResultSet.class, (p, method, args) -> switch (method.getName()) {
            case "next" -> ++position[0] < values.size();
            case "getString" -> (String) values.get(position[0]);
            case "getInt" -> (Integer) values.get(position[0]);
            case "getBoolean" -> (Boolean) values.get(position[0]);
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(FakeDatabase.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static final class FakeDriver implements Driver {
        @Override
        public Connection connect(String url, Properties info) {
            FakeDatabase database = DATABASES.get(url);
            return database == null ? null : database.open(info);
        }

        @Override
        public boolean acceptsURL(String url) {
            return url.startsWith(PREFIX);
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }
    }
}
