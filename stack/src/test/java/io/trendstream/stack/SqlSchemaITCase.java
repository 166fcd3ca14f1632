package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The repository's sql/ schema on a real private plain PostgreSQL (the plain branch; TimescaleSchemaITCase: TimescaleDB). */
class SqlSchemaITCase {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.running("postgresql");

    private static final String DB = "schema_it";
    private static final Pattern TS_LITERAL = Pattern.compile("\\$ts\\$(.*?)\\$ts\\$", Pattern.DOTALL);

    @TempDir
    Path tempDir;

    @BeforeAll
    static void applySchema() throws SQLException {
        PG.applySchema(DB);
    }

    @Test
    void applyingTwiceChangesNothing() throws SQLException {
        PG.createDatabase("schema_twice");
        Path sql = DatabaseSchema.locateSqlDir();
        try (Connection c = PG.newConnection("schema_twice")) {
            assertThat(DatabaseSchema.apply(c, sql)).extracting(p -> p.getFileName().toString())
                    .containsExactly("001_tables.sql", "002_timescaledb.sql", "003_hourly_rollup.sql",
                            "004_hourly_rollup_history.sql", "005_late_events_key_with_kind.sql", "006_products.sql",
                            "007_query_reader.sql", "008_chunk_decompression_for_writers.sql");
            List<String> before = catalogSnapshot(c);

            DatabaseSchema.apply(c, sql);

            assertThat(catalogSnapshot(c)).isEqualTo(before);
            assertThat(before).as("snapshot covers the objects").hasSizeGreaterThan(40);
        }
    }

    @Test
    void theReaderRoleReadsEveryRelationAndWritesNone() throws SQLException {
        assertThat(rows("SELECT table_name || ' ' || string_agg(privilege_type, ',' ORDER BY privilege_type) "
                + "FROM information_schema.role_table_grants WHERE grantee = 'trendstream_reader' "
                + "GROUP BY table_name ORDER BY table_name"))
                .containsExactly("late_events SELECT", "product_hourly_stats SELECT", "product_hourly_stats_named SELECT",
                        "product_window_stats SELECT", "product_window_stats_named SELECT", "products SELECT",
                        "trend_alerts SELECT", "trend_alerts_named SELECT");
        assertThat(rows("SET ROLE trendstream_reader", "SELECT count(*) || ' ' || (SELECT count(*) FROM "
                + "product_hourly_stats) FROM product_window_stats")).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> execute("SET ROLE trendstream_reader; "
                        + "DELETE FROM trend_alerts"))
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for table trend_alerts");
    }

    @Test
    void productWindowStatsHasExactlyTheJobsColumns() throws SQLException {
        assertThat(columns("product_window_stats")).containsExactly(
                "window_start timestamp with time zone NOT NULL",
                "window_end timestamp with time zone NOT NULL",
                "product_id text NOT NULL",
                "orders bigint NOT NULL",
                "units bigint NOT NULL",
                "revenue numeric(18,2) NOT NULL",
                "avg_order_value numeric(18,2) NOT NULL",
                "distinct_users bigint NOT NULL",
                "views bigint NOT NULL",
                "conversion double precision NULL",
                "updated_at timestamp with time zone NOT NULL DEFAULT now()");
        assertThat(primaryKey("product_window_stats")).isEqualTo("PRIMARY KEY (product_id, window_start)");
    }

    @Test
    void trendAlertsHasExactlyTheJobsColumns() throws SQLException {
        assertThat(columns("trend_alerts")).containsExactly(
                "window_start timestamp with time zone NOT NULL",
                "window_end timestamp with time zone NOT NULL",
                "product_id text NOT NULL",
                "metric text NOT NULL",
                "observed double precision NOT NULL",
                "baseline double precision NOT NULL",
                "ratio double precision NOT NULL",
                "severity text NOT NULL",
                "detected_at timestamp with time zone NOT NULL DEFAULT now()");
        assertThat(primaryKey("trend_alerts")).isEqualTo("PRIMARY KEY (product_id, metric, window_start)");
    }

    @Test
    void lateEventsHasExactlyTheJobsColumns() throws SQLException {
        assertThat(columns("late_events")).containsExactly(
                "event_time timestamp with time zone NOT NULL",
                "event_id text NOT NULL",
                "product_id text NOT NULL",
                "kind text NOT NULL",
                "window_start timestamp with time zone NOT NULL",
                "units integer NOT NULL",
                "revenue numeric(18,2) NOT NULL",
                "watermark_at_arrival timestamp with time zone NOT NULL",
                "recorded_at timestamp with time zone NOT NULL DEFAULT now()");
        // Ids are unique per kind: an order and a view with the same id are two events (sql/005).
        assertThat(primaryKey("late_events")).isEqualTo("PRIMARY KEY (event_id, kind, product_id, event_time)");
    }

    @Test
    void hourlyRollupHasTheContinuousAggregatesColumns() throws SQLException {
        assertThat(columns("product_hourly_stats")).containsExactly(
                "bucket timestamp with time zone NULL",
                "product_id text NULL",
                "orders bigint NULL",
                "units bigint NULL",
                "revenue numeric(18,2) NULL",
                "views bigint NULL",
                "conversion double precision NULL");
    }

    @Test
    void dashboardIndexesExist() throws SQLException {
        assertThat(rows("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname"))
                .containsExactly(
                        "late_events_event_time_idx",
                        "late_events_pkey",
                        "late_events_product_window_idx",
                        "product_window_stats_pkey",
                        "product_window_stats_window_start_idx",
                        "products_pkey",
                        "trend_alerts_pkey",
                        "trend_alerts_severity_window_start_idx",
                        "trend_alerts_window_start_idx");
    }

    @Test
    void upsertOnTheKeyReplacesTheRow() throws SQLException {
        String upsert = "INSERT INTO product_window_stats (window_start, window_end, product_id, orders, units, revenue, "
                + "avg_order_value, distinct_users, views, conversion) VALUES "
                + "('2026-03-01 09:00+00', '2026-03-01 09:05+00', 'upsert-p', %d, %d, %s, %s, %d, %d, %s) "
                + "ON CONFLICT (product_id, window_start) DO UPDATE SET window_end = EXCLUDED.window_end, "
                + "orders = EXCLUDED.orders, units = EXCLUDED.units, revenue = EXCLUDED.revenue, "
                + "avg_order_value = EXCLUDED.avg_order_value, distinct_users = EXCLUDED.distinct_users, "
                + "views = EXCLUDED.views, conversion = EXCLUDED.conversion, updated_at = now()";
        execute(String.format(upsert, 2, 3, "20.00", "10.00", 2, 10, "0.2"));
        execute(String.format(upsert, 5, 7, "75.50", "15.10", 4, 20, "0.25")); // the window fired again, late

        assertThat(rows("SELECT concat_ws(' ', orders, units, revenue, avg_order_value, distinct_users, views, conversion)"
                + " FROM product_window_stats WHERE product_id = 'upsert-p'"))
                .containsExactly("5 7 75.50 15.10 4 20 0.25");
    }

    @Test
    void alertAndLateEventUpsertsUseTheirKeys() throws SQLException {
        String alert = "INSERT INTO trend_alerts (window_start, window_end, product_id, metric, observed, baseline, ratio, "
                + "severity) VALUES ('2026-03-01 09:00+00', '2026-03-01 09:05+00', 'alert-p', 'VIEWS', %s, 10, %s, '%s') "
                + "ON CONFLICT (product_id, metric, window_start) DO UPDATE SET observed = EXCLUDED.observed, "
                + "ratio = EXCLUDED.ratio, severity = EXCLUDED.severity";
        execute(String.format(alert, 30, 3, "MEDIUM"));
        execute(String.format(alert, 50, 5, "HIGH"));
        assertThat(rows("SELECT concat_ws(' ', metric, observed, ratio, severity) FROM trend_alerts "
                + "WHERE product_id = 'alert-p'")).containsExactly("VIEWS 50 5 HIGH");

        String late = "INSERT INTO late_events (event_time, event_id, product_id, kind, window_start, units, revenue, "
                + "watermark_at_arrival) VALUES ('2026-03-01 09:01+00', 'e-1', 'late-p', 'ORDER', '2026-03-01 09:00+00', "
                + "2, 9.99, '2026-03-01 09:20+00') ON CONFLICT (event_id, kind, product_id, event_time) DO NOTHING";
        execute(late);
        execute(late); // redelivered after a restart
        assertThat(rows("SELECT count(*) FROM late_events WHERE event_id = 'e-1'")).containsExactly("1");
    }

    @Test
    void aRenameChangesTheNamesEverywhereAndNothingElse() throws SQLException {
        execute("INSERT INTO product_window_stats (window_start, window_end, product_id, orders, units, revenue, "
                + "avg_order_value, distinct_users, views, conversion) VALUES "
                + "('2026-04-01 10:00+00', '2026-04-01 10:05+00', 'rn-p', 2, 3, 20.00, 10.00, 2, 4, 0.5), "
                + "('2026-04-01 10:05+00', '2026-04-01 10:10+00', 'rn-p', 1, 1, 10.00, 10.00, 1, 2, 0.5), "
                + "('2026-04-01 10:00+00', '2026-04-01 10:05+00', 'rn-unknown', 1, 1, 5.00, 5.00, 1, 1, 1.0)");
        execute("INSERT INTO trend_alerts (window_start, window_end, product_id, metric, observed, baseline, ratio, severity) "
                + "VALUES ('2026-04-01 10:05+00', '2026-04-01 10:10+00', 'rn-p', 'REVENUE', 30, 10, 3, 'HIGH')");
        execute("INSERT INTO products (product_id, name, category, list_price, updated_at) "
                + "VALUES ('rn-p', 'Laptop', 'Computers', 999.00, now())");
        String windows = "SELECT concat_ws('|', product_id, product_name, category, orders) FROM product_window_stats_named "
                + "WHERE product_id LIKE 'rn-%' ORDER BY product_id, window_start";
        String hours = "SELECT concat_ws('|', product_id, product_name, orders, revenue) FROM product_hourly_stats_named "
                + "WHERE product_id LIKE 'rn-%' ORDER BY product_id";
        String alerts = "SELECT concat_ws('|', product_id, product_name, category) FROM trend_alerts_named WHERE product_id = 'rn-p'";
        assertThat(rows(windows)).containsExactly("rn-p|Laptop|Computers|2", "rn-p|Laptop|Computers|1", "rn-unknown|||1");
        assertThat(rows(hours)).containsExactly("rn-p|Laptop|3|30.00", "rn-unknown||1|5.00");
        List<String> baseRows = rows("SELECT concat_ws('|', product_id, window_start, orders, updated_at) FROM product_window_stats "
                + "WHERE product_id LIKE 'rn-%' ORDER BY 1");

        execute("UPDATE products SET name = 'Notebook', category = 'Portables' WHERE product_id = 'rn-p'");
        assertThat(rows(windows)).containsExactly("rn-p|Notebook|Portables|2", "rn-p|Notebook|Portables|1", "rn-unknown|||1");
        assertThat(rows(hours)).as("one group per product, whatever its names").containsExactly("rn-p|Notebook|3|30.00", "rn-unknown||1|5.00");
        assertThat(rows(alerts)).containsExactly("rn-p|Notebook|Portables");

        execute("DELETE FROM products WHERE product_id = 'rn-p'"); // a tombstone
        assertThat(rows(windows)).containsExactly("rn-p|||2", "rn-p|||1", "rn-unknown|||1");
        assertThat(rows("SELECT concat_ws('|', product_id, window_start, orders, updated_at) FROM product_window_stats "
                + "WHERE product_id LIKE 'rn-%' ORDER BY 1")).as("no window row changed").isEqualTo(baseRows);
    }

    @Test
    void checkConstraintsRejectUnknownEnumValues() {
        assertThatThrownBy(() -> execute("INSERT INTO trend_alerts (window_start, window_end, product_id, metric, observed, "
                + "baseline, ratio, severity) VALUES (now(), now(), 'p', 'ORDERS', 1, 1, 1, 'HIGH')"))
                .isInstanceOf(SQLException.class).hasMessageContaining("trend_alerts_metric_check");
        assertThatThrownBy(() -> execute("INSERT INTO late_events (event_time, event_id, product_id, kind, window_start, "
                + "units, revenue, watermark_at_arrival) VALUES (now(), 'e', 'p', 'CLICK', now(), 1, 1, now())"))
                .isInstanceOf(SQLException.class).hasMessageContaining("late_events_kind_check");
    }

    @Test
    void hourlyRollupSumsTheFiveMinuteWindowsOfAnHour() throws SQLException {
        String insert = "INSERT INTO product_window_stats (window_start, window_end, product_id, orders, units, revenue, "
                + "avg_order_value, distinct_users, views, conversion) VALUES ";
        execute(insert + "('2026-03-02 10:00+00', '2026-03-02 10:05+00', 'hourly-p', 2, 3, 20.00, 10.00, 2, 10, 0.2), "
                + "('2026-03-02 10:05+00', '2026-03-02 10:10+00', 'hourly-p', 1, 4, 15.50, 15.50, 1, 30, 0.0333), "
                + "('2026-03-02 11:00+00', '2026-03-02 11:05+00', 'hourly-p', 1, 1, 5.00, 5.00, 1, 0, NULL), "
                + "('2026-03-02 10:00+00', '2026-03-02 10:05+00', 'other-p', 9, 9, 99.00, 11.00, 9, 9, 1.0)");

        String rollup = "SELECT concat_ws(' ', to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), orders, units, "
                + "revenue, views, coalesce(conversion::text, 'null')) FROM product_hourly_stats "
                + "WHERE product_id = 'hourly-p' ORDER BY bucket";
        List<String> expected = List.of("2026-03-02 10:00 3 7 35.50 40 0.075", "2026-03-02 11:00 1 1 5.00 0 null");
        assertThat(rows(rollup)).containsExactlyElementsOf(expected);
        // Buckets are UTC hours whatever the session time zone (India is UTC+05:30).
        assertThat(rows("SET TimeZone = 'Asia/Kolkata'", rollup)).containsExactlyElementsOf(expected);
    }

    @Test
    void onPlainPostgresTheTimescaleBranchIsSkippedWithANotice() throws SQLException, IOException {
        // Also where TimescaleDB is installed: this server runs as plain PostgreSQL (TRENDSTREAM_DATABASE=postgresql).
        assertThat(rows("SHOW trendstream.timescaledb")).containsExactly("off");
        assertThat(rows("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")).containsExactly("0");
        assertThat(rows("SELECT relname || ':' || relkind::text FROM pg_class WHERE relname IN ('product_window_stats', "
                + "'trend_alerts', 'late_events', 'product_hourly_stats') ORDER BY relname")).containsExactly(
                "late_events:r", "product_hourly_stats:v", "product_window_stats:r", "trend_alerts:r");

        String script = Files.readString(DatabaseSchema.locateSqlDir().resolve("002_timescaledb.sql"));
        try (Connection c = PG.newConnection(DB); Statement st = c.createStatement()) {
            st.execute(script);
            assertThat(messages(st.getWarnings())).singleElement().asString().startsWith("TimescaleDB is not ")
                    .endsWith("stay plain tables");
        }
    }

    @Test
    void aSchemaFailureCarriesTheServersOwnMessage() throws IOException {
        Path dir = Files.createDirectory(tempDir.resolve("killing"));
        // The server ends the session: the client only sees a closed connection, the server log says why.
        Files.writeString(dir.resolve("001_kill.sql"), "SELECT pg_terminate_backend(pg_backend_pid());");

        assertThatThrownBy(() -> PG.applySchema("killed_session", dir))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("001_kill.sql")
                .hasMessageContaining("The server said (" + PG.server().logFile() + ")")
                .hasMessageContaining("FATAL:  terminating connection due to administrator command");
    }

    @Test
    void everyTimescaleStatementIsGuardedDynamicSqlThatParses() throws Exception {
        Path sql = DatabaseSchema.locateSqlDir();
        List<String> statements = new ArrayList<>();
        for (String file : List.of("002_timescaledb.sql", "003_hourly_rollup.sql", "004_hourly_rollup_history.sql")) {
            String text = Files.readString(sql.resolve(file));
            String code = text.replaceAll("(?m)--.*$", ""); // comments may mention anything
            // The guard comes first: nothing TimescaleDB-specific runs before the availability check returns.
            int guard = code.indexOf(file.startsWith("002") ? "pg_available_extensions" : "pg_extension");
            assertThat(guard).as(file + " checks for TimescaleDB").isPositive();
            assertThat(code.indexOf("RETURN;", guard)).as(file + " returns early without TimescaleDB")
                    .isBetween(guard, code.indexOf("$ts$"));
            // Outside $ts$ literals there is no TimescaleDB vocabulary, so plain PostgreSQL never resolves any.
            // The one exception is 004's CALL refresh_continuous_aggregate, which TimescaleDB refuses through EXECUTE:
            // it is static, after the guard, and PL/pgSQL resolves it only if that branch runs.
            String outside = TS_LITERAL.matcher(code).replaceAll("''");
            assertThat(outside).doesNotContainPattern(
                    "create_hypertable|time_bucket|add_\\w+_policy|timescaledb_information|timescaledb\\.");
            assertThat(Pattern.compile("refresh_continuous_aggregate").matcher(outside).results().count())
                    .as(file + ": static refresh calls").isEqualTo(file.startsWith("004") ? 1L : 0L);
            Matcher m = TS_LITERAL.matcher(code);
            while (m.find()) {
                // format() placeholders stand for a quoted literal (%L) or identifier (%I)
                statements.add(m.group(1).strip().replace("%L", "'x'").replace("%I", "x"));
            }
        }
        assertThat(statements).filteredOn(s -> s.contains("create_hypertable")).singleElement()
                .satisfies(s -> assertThat(s).contains("if_not_exists => TRUE", "migrate_data => TRUE"));
        assertThat(statements).filteredOn(s -> s.contains("add_compression_policy")).singleElement()
                .satisfies(s -> assertThat(s).contains("INTERVAL '7 days', if_not_exists => TRUE"));
        assertThat(statements).filteredOn(s -> s.contains("add_retention_policy")).singleElement()
                .satisfies(s -> assertThat(s).contains("INTERVAL '90 days', if_not_exists => TRUE"));
        assertThat(statements).filteredOn(s -> s.contains("add_continuous_aggregate_policy")).singleElement()
                .satisfies(s -> assertThat(s).contains("if_not_exists     => TRUE"));
        assertThat(statements).filteredOn(s -> s.contains("timescaledb.continuous")).singleElement()
                .satisfies(s -> assertThat(s).contains("time_bucket(INTERVAL '1 hour', window_start)", "WITH NO DATA"));
        assertThat(statements).hasSize(12);

        // PostgreSQL's own parser checks each statement without running it: PL/pgSQL parses every SQL statement of a
        // function body when the function is created, but resolves names only when a statement executes (never here).
        try (Connection c = PG.newConnection(DB); Statement st = c.createStatement()) {
            for (String statement : statements) {
                assertThatCode(st, statement).doesNotThrowAnyException();
            }
            // control: the check does catch a malformed statement
            assertThatCode(st, "SELECT add_retention_policy('late_events', INTERVAL '90 days' if_not_exists => TRUE)")
                    .isInstanceOf(SQLException.class).hasMessageContaining("syntax error");
        }
    }

    @Test
    void aFailingScriptNamesTheFileAndRollsBackOnlyThatFile() throws IOException, SQLException {
        Path dir = Files.createDirectory(tempDir.resolve("sql"));
        Files.writeString(dir.resolve("001_ok.sql"), "CREATE TABLE applied_ok (id int);");
        Files.writeString(dir.resolve("002_bad.sql"), "CREATE TABLE rolled_back (id int);\nSELECT no_such_function();");
        PG.createDatabase("failing_script");
        try (Connection c = PG.newConnection("failing_script")) {
            assertThatThrownBy(() -> DatabaseSchema.apply(c, dir))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("002_bad.sql")
                    .hasMessageContaining("no_such_function");
            assertThat(c.getAutoCommit()).isTrue();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
                         + "WHERE relname IN ('applied_ok', 'rolled_back')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("applied_ok");
            }
        }
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertThatCode(
            Statement st, String statement) {
        String function = "CREATE OR REPLACE FUNCTION pg_temp.ts_syntax_check() RETURNS void LANGUAGE plpgsql AS "
                + "$check$ BEGIN IF false THEN " + statement + "; END IF; END $check$";
        return org.assertj.core.api.Assertions.assertThatCode(() -> st.execute(function)).as(statement);
    }

    /** Everything the schema defines, including OIDs: re-applying must neither alter nor recreate anything. */
    private static List<String> catalogSnapshot(Connection c) throws SQLException {
        List<String> snapshot = new ArrayList<>();
        snapshot.addAll(rows(c, "SELECT c.oid || ' ' || c.relname || ' ' || c.relkind::text || ' ' "
                + "|| coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c "
                + "WHERE c.relnamespace = 'public'::regnamespace ORDER BY c.relname"));
        snapshot.addAll(rows(c, "SELECT a.attrelid::regclass || '.' || a.attname || ' ' "
                + "|| format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' "
                + "|| coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' ' || coalesce(col_description(a.attrelid, a.attnum), '') "
                + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped "
                + "ORDER BY c.relname, a.attnum"));
        snapshot.addAll(rows(c, "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
                + "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conname"));
        snapshot.addAll(rows(c, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname"));
        snapshot.addAll(rows(c, "SELECT viewname || ' ' || definition FROM pg_views WHERE schemaname = 'public' "
                + "ORDER BY viewname"));
        return snapshot;
    }

    /** "name type NULL|NOT NULL [DEFAULT expr]" per column, in column order (works for tables and views). */
    private static List<String> columns(String relation) throws SQLException {
        return rows("SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) "
                + "|| CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END "
                + "|| coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') "
                + "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid = '" + relation + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                + "ORDER BY a.attnum");
    }

    private static String primaryKey(String table) throws SQLException {
        List<String> keys = rows("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                + "WHERE conrelid = '" + table + "'::regclass AND contype = 'p'");
        assertThat(keys).as("primary keys of " + table).hasSize(1);
        return keys.get(0);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = PG.newConnection(DB); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs the setup statements, then returns the first column of every row of the last query. */
    private static List<String> rows(String... sql) throws SQLException {
        try (Connection c = PG.newConnection(DB)) {
            try (Statement st = c.createStatement()) {
                for (int i = 0; i < sql.length - 1; i++) {
                    st.execute(sql[i]);
                }
            }
            return rows(c, sql[sql.length - 1]);
        }
    }

    private static List<String> rows(Connection c, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            ResultSetMetaData meta = rs.getMetaData();
            assertThat(meta.getColumnCount()).isEqualTo(1);
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static List<String> messages(SQLWarning warning) {
        List<String> messages = new ArrayList<>();
        for (SQLWarning w = warning; w != null; w = w.getNextWarning()) {
            messages.add(w.getMessage());
        }
        return messages;
    }
}
