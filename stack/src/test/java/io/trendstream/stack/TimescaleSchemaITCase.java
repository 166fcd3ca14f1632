package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.stack.PgliteTimescale.Plan;
import io.trendstream.stack.PgliteTimescale.Step;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The repository's sql/ schema on TimescaleDB (2.23 in PGlite, see {@link PgliteTimescale}): applied twice from an
 * empty database, and twice over a populated plain-PostgreSQL schema, which it converts. Complements
 * {@link SqlSchemaITCase} (plain PostgreSQL). PGlite runs no background workers, so the refresh policy runs as its
 * scheduler would run it: {@code CALL run_job(<policy>)}.
 */
class TimescaleSchemaITCase {

    private static final Path SQL = DatabaseSchema.locateSqlDir();

    /** Hypertables, their time dimension and chunk interval. */
    private static final String HYPERTABLES = "SELECT d.hypertable_name || ' ' || d.column_name || ' ' || d.time_interval "
            + "|| ' compression=' || h.compression_enabled FROM timescaledb_information.dimensions d "
            + "JOIN timescaledb_information.hypertables h USING (hypertable_schema, hypertable_name) "
            + "WHERE d.hypertable_schema = 'public' ORDER BY 1";
    private static final String COMPRESSION = "SELECT hypertable::text || ' segmentby=' || segmentby || ' orderby=' "
            + "|| orderby FROM timescaledb_information.hypertable_compression_settings "
            + "WHERE hypertable::text NOT LIKE '\\_timescaledb%' ORDER BY 1";
    /** The policies, with their ids: applying again must neither add nor replace one. */
    private static final String POLICIES = "SELECT job_id || ' ' || proc_name || ' ' || hypertable_name || ' every ' "
            + "|| schedule_interval || ' ' || (config - 'hypertable_id' - 'mat_hypertable_id')::text "
            + "FROM timescaledb_information.jobs WHERE hypertable_name IS NOT NULL ORDER BY job_id";
    private static final String ROLLUP = "SELECT view_name || ' materialized_only=' || materialized_only || ' ' "
            + "|| obj_description(format('%I.%I', view_schema, view_name)::regclass, 'pg_class') "
            + "FROM timescaledb_information.continuous_aggregates";
    /** Every relation of the schema with its OID: applying again must not recreate anything. */
    private static final String RELATIONS = "SELECT oid || ' ' || relname || ' ' || relkind::text FROM pg_class "
            + "WHERE relnamespace = 'public'::regnamespace ORDER BY relname";
    private static final String COUNTS = "SELECT (SELECT count(*) FROM product_window_stats) || ' windows, ' "
            + "|| (SELECT count(*) FROM trend_alerts) || ' alerts, ' || (SELECT count(*) FROM late_events) || ' late'";
    private static final String WARNINGS_ONLY = "WARNING";

    /**
     * "rollup rows, GROUP BY rows, rows that differ" between product_hourly_stats and the hourly GROUP BY over
     * product_window_stats (UTC hours), up to the rollup's last hour.
     */
    private static final String ROLLUP_VS_BASE = """
            WITH rollup AS (SELECT bucket, product_id, orders, units, revenue, views, conversion FROM product_hourly_stats),
                 base AS (SELECT date_trunc('hour', window_start, 'UTC') AS bucket, product_id,
                                 sum(orders)::bigint AS orders, sum(units)::bigint AS units,
                                 sum(revenue)::numeric(18,2) AS revenue, sum(views)::bigint AS views,
                                 sum(orders)::float8 / NULLIF(sum(views), 0) AS conversion
                          FROM product_window_stats GROUP BY 1, 2),
                 upto AS (SELECT * FROM base WHERE bucket <= (SELECT max(bucket) FROM rollup))
            SELECT (SELECT count(*) FROM rollup) || ' ' || (SELECT count(*) FROM upto) || ' ' || (SELECT count(*) FROM (
                (SELECT * FROM rollup EXCEPT ALL SELECT * FROM upto) UNION ALL (SELECT * FROM upto EXCEPT ALL SELECT * FROM rollup)) d)""";
    /** Runs the refresh policy now, as TimescaleDB's scheduler would. */
    private static final String RUN_REFRESH_POLICY = "DO $$ DECLARE job int; BEGIN SELECT job_id INTO STRICT job "
            + "FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate'; "
            + "CALL run_job(job); END $$";

    @BeforeAll
    static void installPglite() throws Exception {
        PgliteTimescale.install();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class FromAnEmptyDatabase {

        private Map<String, Step> steps;

        @BeforeAll
        void applyTwice() throws Exception {
            Plan plan = new Plan().schema("first ", SQL);
            snapshot(plan, "after first");
            plan.schema("second ", SQL);
            snapshot(plan, "after second");
            // A database set up with an earlier version of 003, whose policy had other offsets.
            plan.sql("earlier policy", "SELECT remove_continuous_aggregate_policy('product_hourly_stats'), "
                    + "add_continuous_aggregate_policy('product_hourly_stats', INTERVAL '3 days', INTERVAL '1 hour', "
                    + "INTERVAL '15 minutes')");
            plan.schema("third ", SQL);
            snapshot(plan, "after third");
            steps = applied(PgliteTimescale.run(plan));
        }

        @Test
        void everyScriptAppliesWithoutAWarning() {
            assertThat(steps.values()).allSatisfy(s -> assertThat(s.messages()).as(s.name())
                    .noneMatch(m -> m.startsWith(WARNINGS_ONLY)));
        }

        @Test
        void theTablesAreCompressedHypertablesWithOneDayChunks() {
            assertThat(steps.get("after first hypertables").column()).containsExactly(
                    "late_events event_time 1 day compression=true",
                    "product_window_stats window_start 1 day compression=true",
                    "trend_alerts window_start 1 day compression=true");
            // segmentby + orderby cover each primary key, so conflict checks on compressed chunks read one segment
            assertThat(steps.get("after first compression").column()).containsExactly(
                    "late_events segmentby=product_id orderby=event_time DESC,event_id",
                    "product_window_stats segmentby=product_id orderby=window_start DESC",
                    "trend_alerts segmentby=product_id,metric orderby=window_start DESC");
        }

        @Test
        void compressionRetentionAndRefreshPoliciesExist() {
            assertThat(steps.get("after first policies").column()).extracting(p -> p.replaceFirst("^\\d+ ", ""))
                    .containsExactly(
                            "policy_compression product_window_stats every 12:00:00 {\"compress_after\": \"7 days\"}",
                            "policy_retention product_window_stats every 1 day {\"drop_after\": \"90 days\"}",
                            "policy_compression trend_alerts every 12:00:00 {\"compress_after\": \"7 days\"}",
                            "policy_retention trend_alerts every 1 day {\"drop_after\": \"90 days\"}",
                            "policy_compression late_events every 12:00:00 {\"compress_after\": \"7 days\"}",
                            "policy_retention late_events every 1 day {\"drop_after\": \"90 days\"}",
                            "policy_refresh_continuous_aggregate product_hourly_stats every 00:05:00 "
                                    + "{\"end_offset\": \"00:10:00\", \"start_offset\": \"30 days\"}");
        }

        @Test
        void theHourlyRollupIsARealTimeContinuousAggregate() {
            assertThat(steps.get("after first rollup").column()).containsExactly("product_hourly_stats "
                    + "materialized_only=false Hourly per-product rollup of product_window_stats "
                    + "(TimescaleDB continuous aggregate).");
        }

        @Test
        void applyingAgainChangesNothing() {
            for (String query : List.of("hypertables", "compression", "policies", "rollup", "relations")) {
                assertThat(steps.get("after second " + query).rows()).as(query)
                        .isEqualTo(steps.get("after first " + query).rows());
            }
            // 12 of 001-004, and 005's products table, its primary key and the three *_named views
            assertThat(steps.get("after first relations").rows()).as("tables, views, indexes").hasSize(17);
        }

        @Test
        void anEarlierRefreshPolicyIsReplaced() {
            assertThat(steps.get("after third policies").column()).extracting(p -> p.replaceFirst("^\\d+ ", ""))
                    .isEqualTo(steps.get("after first policies").column().stream()
                            .map(p -> p.replaceFirst("^\\d+ ", "")).toList());
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverAPopulatedPlainSchema {

        private Map<String, Step> steps;

        @BeforeAll
        void convertAndRefresh() throws Exception {
            Plan plan = new Plan()
                    // The plain-PostgreSQL schema: without the extension, 003 creates the plain view.
                    .file("plain 001", SQL.resolve("001_tables.sql"))
                    .file("plain 003", SQL.resolve("003_hourly_rollup.sql"))
                    .sql("plain relations", RELATIONS)
                    .sql("data", POPULATE)
                    .sql("counts before", COUNTS)
                    .schema("first ", SQL)
                    .schema("second ", SQL)
                    .sql("counts after", COUNTS)
                    .sql("hypertables", HYPERTABLES)
                    .sql("real-time rollup vs base", ROLLUP_VS_BASE)
                    // From here on only materialised hours count: what the policy and 004 wrote, nothing real-time.
                    .sql("materialized only", "ALTER MATERIALIZED VIEW product_hourly_stats "
                            + "SET (timescaledb.materialized_only = true)")
                    .sql("history", "SELECT (SELECT min(bucket) FROM product_hourly_stats) "
                            + "= (SELECT date_trunc('hour', min(window_start)) FROM product_window_stats)")
                    .sql("materialized vs base", ROLLUP_VS_BASE)
                    .sql("refresh policy", RUN_REFRESH_POLICY)
                    .sql("after the policy", ROLLUP_VS_BASE)
                    // The job rewrites a window two days back (a late firing replayed after a restore).
                    .sql("rewrite 2 days back", rewrite("2 days"))
                    .sql("after the rewrite", ROLLUP_VS_BASE)
                    .sql("refresh policy again", RUN_REFRESH_POLICY)
                    .sql("after the policy again", ROLLUP_VS_BASE)
                    // Beyond the policy's 30-day start_offset only the documented backfill repairs the rollup.
                    .sql("rewrite 35 days back", rewrite("35 days"))
                    .sql("refresh policy once more", RUN_REFRESH_POLICY)
                    .sql("after an old rewrite", ROLLUP_VS_BASE)
                    .sql("backfill", "CALL refresh_continuous_aggregate('product_hourly_stats', "
                            + "now() - INTERVAL '36 days', now() - INTERVAL '10 minutes')")
                    .sql("after the backfill", ROLLUP_VS_BASE)
                    // Last, as the session stays in this role: the query API's read-only role (005) reads the
                    // continuous aggregate that replaced the plain view, materialised and real-time hours alike.
                    .sql("as the reader", "SET ROLE trendstream_reader")
                    .sql("the reader reads the rollup", "SELECT count(*) FROM product_hourly_stats");
            steps = applied(PgliteTimescale.run(plan));
        }

        @Test
        void theTablesBecomeHypertablesWithEveryRow() {
            assertThat(steps.get("plain relations").column()).extracting(r -> r.replaceFirst("^\\d+ ", ""))
                    .filteredOn(r -> !r.endsWith(" i")).containsExactly("late_events r", "product_hourly_stats v", "product_window_stats r", "trend_alerts r");
            assertThat(steps.get("counts before").column()).containsExactly("34551 windows, 40 alerts, 60 late");
            assertThat(steps.get("counts after").column()).isEqualTo(steps.get("counts before").column());
            assertThat(steps.get("hypertables").column()).hasSize(3)
                    .allSatisfy(h -> assertThat(h).endsWith(" 1 day compression=true"));
            assertThat(steps.get("first 002_timescaledb.sql").messages()).noneMatch(m -> m.startsWith(WARNINGS_ONLY));
        }

        @Test
        void theRollupHoldsTheWholeHistoryNotOnlyThePolicysRange() {
            assertThat(steps.get("first 004_hourly_rollup_history.sql").messages())
                    .anySatisfy(m -> assertThat(m).startsWith("NOTICE: product_hourly_stats: materialising "));
            assertThat(steps.get("second 004_hourly_rollup_history.sql").messages()).isEmpty();
            // 40 days x 24 hours x 3 products
            assertThat(steps.get("real-time rollup vs base").column()).containsExactly("2880 2880 0");
            assertThat(steps.get("history").column()).containsExactly("t");
            assertThat(differing("materialized vs base")).isZero();
            // every hour but the one(s) inside the policy's 10-minute end_offset (real-time)
            assertThat(rollupRows("materialized vs base")).isBetween(2877, 2880);
            // the policy's first run (30 days back) keeps the older history
            assertThat(steps.get("after the policy").column()).isEqualTo(steps.get("materialized vs base").column());
        }

        @Test
        void theQueryApisReaderRoleReadsTheContinuousAggregate() {
            assertThat(steps.get("the reader reads the rollup").column())
                    .containsExactly(String.valueOf(rollupRows("after the backfill")));
        }

        @Test
        void theRefreshPolicyPicksUpARewriteWithinItsStartOffset() {
            assertThat(steps.get("rewrite 2 days back").column()).containsExactly("1");
            assertThat(differing("after the rewrite")).as("stale until the policy runs").isEqualTo(2);
            assertThat(differing("after the policy again")).isZero();
        }

        @Test
        void theDocumentedBackfillRepairsAnOlderRewrite() {
            assertThat(steps.get("rewrite 35 days back").column()).containsExactly("1");
            assertThat(differing("after an old rewrite")).as("beyond the policy's start_offset").isEqualTo(2);
            assertThat(differing("after the backfill")).isZero();
        }

        private int differing(String step) {
            return Integer.parseInt(steps.get(step).column().get(0).split(" ")[2]);
        }

        private int rollupRows(String step) {
            return Integer.parseInt(steps.get(step).column().get(0).split(" ")[0]);
        }
    }

    /** sql/005 on a database whose late_events chunks are compressed: unique constraints cannot span those. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class TheLateEventsKeyMigrationOverCompressedChunks {

        private Map<String, Step> steps;

        @BeforeAll
        void compressThenMigrate() throws Exception {
            Plan plan = new Plan();
            for (Path script : DatabaseSchema.scripts(SQL)) {
                if (script.getFileName().toString().compareTo("005") < 0) {
                    plan.file("before " + script.getFileName(), script);
                }
            }
            plan.sql("data", "INSERT INTO late_events (event_time, event_id, product_id, kind, window_start, units, "
                            + "revenue, watermark_at_arrival) SELECT now() - i * INTERVAL '13 hours', 'late-' || i, 'p2', "
                            + "'ORDER', date_trunc('hour', now() - i * INTERVAL '13 hours'), 1, 9.99, now() "
                            + "FROM generate_series(1, 60) i")
                    .sql("compression policy", runCompressionPolicy("late_events"))
                    .sql("compressed before", COMPRESSED_LATE_CHUNKS)
                    .schema("migrated ", SQL)
                    .sql("key", "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                            + "WHERE conrelid = 'late_events'::regclass AND contype = 'p'")
                    .sql("late events", "SELECT count(*) FROM late_events")
                    .sql("a view with an order's id", "INSERT INTO late_events (event_time, event_id, product_id, kind, "
                            + "window_start, units, revenue, watermark_at_arrival) SELECT event_time, event_id, product_id, "
                            + "'VIEW', window_start, 0, 0, now() FROM late_events WHERE event_id = 'late-30' "
                            + "ON CONFLICT (event_id, kind, product_id, event_time) DO NOTHING")
                    .sql("both kinds", "SELECT string_agg(kind, ' ' ORDER BY kind) FROM late_events WHERE event_id = 'late-30'")
                    .sql("compression policy again", runCompressionPolicy("late_events"))
                    .sql("compressed after", COMPRESSED_LATE_CHUNKS);
            steps = applied(PgliteTimescale.run(plan));
        }

        @Test
        void decompressesTheChunksPutsKindIntoTheKeyAndKeepsEveryRow() {
            assertThat(Integer.parseInt(steps.get("compressed before").column().get(0))).isPositive();
            assertThat(steps.get("key").column()).containsExactly("PRIMARY KEY (event_id, kind, product_id, event_time)");
            assertThat(steps.get("late events").column()).containsExactly("60");
            assertThat(steps.get("both kinds").column()).containsExactly("ORDER VIEW");
            assertThat(steps.get("compressed after").column()).as("the policy compresses them again")
                    .isEqualTo(steps.get("compressed before").column());
        }
    }

    /** Runs a table's compression policy now, as TimescaleDB's scheduler would. */
    private static String runCompressionPolicy(String table) {
        return "DO $$ DECLARE job int; BEGIN SELECT job_id INTO STRICT job FROM timescaledb_information.jobs "
                + "WHERE proc_name = 'policy_compression' AND hypertable_name = '" + table + "'; CALL run_job(job); END $$";
    }

    private static final String COMPRESSED_LATE_CHUNKS = "SELECT count(*) FROM timescaledb_information.chunks "
            + "WHERE hypertable_name = 'late_events' AND is_compressed";

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ALateUpsertIntoACompressedChunk {

        private Map<String, Step> steps;

        @BeforeAll
        void compressThenUpsert() throws Exception {
            String day = "date_trunc('day', now()) - INTERVAL '9 days'";
            Plan plan = new Plan().schema("", SQL)
                    .sql("data", "INSERT INTO product_window_stats (window_start, window_end, product_id, orders, "
                            + "units, revenue, avg_order_value, distinct_users, views, conversion) "
                            + "SELECT w, w + INTERVAL '5 minutes', 'p' || p, 1, 1, 1, 1, 1, 1, 1 "
                            + "FROM generate_series(0, 288 - 1) i, generate_series(1, 5) p, "
                            + "LATERAL (SELECT " + day + " + i * INTERVAL '5 minutes' AS w) t")
                    .sql("compression policy", runCompressionPolicy("product_window_stats"))
                    .sql("late upsert", "INSERT INTO product_window_stats (window_start, window_end, product_id, "
                            + "orders, units, revenue, avg_order_value, distinct_users, views, conversion) VALUES ("
                            + day + " + INTERVAL '12 hours', " + day + " + INTERVAL '12 hours 5 minutes', 'p2', "
                            + "7, 7, 7, 1, 7, 7, 1) ON CONFLICT (product_id, window_start) DO UPDATE SET "
                            + "orders = EXCLUDED.orders")
                    // rows outside the compressed batches: what the upsert decompressed
                    .sql("decompressed", "SELECT (xpath('/row/c/text()', query_to_xml(format("
                            + "'SELECT count(*) AS c FROM ONLY %I.%I', chunk_schema, chunk_name), false, true, ''))"
                            + ")[1]::text || ' of ' || (SELECT count(*) FROM product_window_stats) "
                            + "FROM timescaledb_information.chunks WHERE hypertable_name = 'product_window_stats' "
                            + "AND is_compressed")
                    .sql("the row", "SELECT orders FROM product_window_stats WHERE product_id = 'p2' "
                            + "AND window_start = " + day + " + INTERVAL '12 hours'");
            steps = applied(PgliteTimescale.run(plan));
        }

        @Test
        void decompressesOneProductsDayNotTheChunk() {
            // 5 products x 288 windows in one compressed 1-day chunk; segmentby product_id bounds the cost
            assertThat(steps.get("decompressed").column()).containsExactly("288 of 1440");
            assertThat(steps.get("the row").column()).containsExactly("7");
        }
    }

    /**
     * sql/008: the job's role, not the tables' owner, decompresses a compressed chunk through the function as a member
     * of trendstream_writer, and only chunks of the job's hypertables; a role outside it may not call it.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class TheWritersChunkDecompression {

        private Map<String, Step> steps;
        private List<Step> all;

        @BeforeAll
        void compressThenDecompressAsTheJob() throws Exception {
            String day = "date_trunc('day', now()) - INTERVAL '9 days'";
            String compressed = "SELECT count(*) FROM timescaledb_information.chunks "
                    + "WHERE hypertable_name = 'product_window_stats' AND is_compressed";
            String decompressAll = "SELECT string_agg(decompress_chunk_for_write(c)::text, ',') "
                    + "FROM show_chunks('product_window_stats') c";
            Plan plan = new Plan().schema("", SQL)
                    .sql("data", "INSERT INTO product_window_stats (window_start, window_end, product_id, orders, "
                            + "units, revenue, avg_order_value, distinct_users, views, conversion) "
                            + "SELECT " + day + " + i * INTERVAL '5 minutes', " + day + " + (i + 1) * INTERVAL '5 minutes', "
                            + "'p1', 1, 1, 1, 1, 1, 1, 1 FROM generate_series(0, 287) i")
                    .sql("compression policy", runCompressionPolicy("product_window_stats"))
                    .sql("compressed before", compressed)
                    .sql("roles", "CREATE ROLE job_writer LOGIN; GRANT trendstream_writer TO job_writer; "
                            + "GRANT SELECT ON ALL TABLES IN SCHEMA public TO job_writer; CREATE ROLE outsider LOGIN; "
                            + "SELECT 1")
                    .sql("first, as the job", "SET ROLE job_writer; " + decompressAll)
                    .sql("again, as the job", decompressAll)
                    .sql("another table", "DO $$ BEGIN PERFORM decompress_chunk_for_write('products'::regclass); "
                            + "RAISE NOTICE 'accepted'; EXCEPTION WHEN OTHERS THEN RAISE NOTICE '%', SQLERRM; END $$")
                    .sql("compressed after", "RESET ROLE; " + compressed)
                    .sql("rows", "SELECT count(*) FROM product_window_stats")
                    .sql("as an outsider", "SET ROLE outsider; " + decompressAll);
            all = PgliteTimescale.run(plan);
            steps = PgliteTimescale.byName(all);
        }

        @Test
        void decompressesTheChunkForTheJobsRoleOnceAndKeepsEveryRow() {
            assertThat(all.subList(0, all.size() - 1))
                    .allSatisfy(s -> assertThat(s.error()).as("step '%s' failed", s.name()).isEmpty());
            assertThat(steps.get("compressed before").column()).containsExactly("1");
            assertThat(steps.get("first, as the job").column()).containsExactly("true");
            assertThat(steps.get("again, as the job").column()).as("no longer compressed").containsExactly("false");
            assertThat(steps.get("compressed after").column()).containsExactly("0");
            assertThat(steps.get("rows").column()).containsExactly("288");
        }

        @Test
        void refusesOtherTablesAndRolesOutsideTheWriters() {
            assertThat(steps.get("another table").messages())
                    .containsExactly("NOTICE: decompress_chunk_for_write: public.products is not a chunk of the job's hypertables");
            assertThat(steps.get("as an outsider").error()).hasValueSatisfying(error ->
                    assertThat(error).contains("permission denied for function decompress_chunk_for_write"));
        }
    }

    /**
     * 40 days of 5-minute windows for three products up to 15 minutes ago (34,551 rows), plus alerts and late
     * events; the values vary so that a wrong bucket or sum shows.
     */
    private static final String POPULATE = """
            INSERT INTO product_window_stats (window_start, window_end, product_id, orders, units, revenue,
                                              avg_order_value, distinct_users, views, conversion)
            SELECT w, w + INTERVAL '5 minutes', 'p' || p, (i + p) % 7, ((i + p) % 7) * 2, ((i + p) % 7) * 12.34,
                   12.34, (i + p) % 5, (i * p) % 23, ((i + p) % 7)::float8 / NULLIF((i * p) % 23, 0)
            FROM generate_series(0, 40 * 288 - 1) i, generate_series(1, 3) p,
                 LATERAL (SELECT date_trunc('hour', now()) - INTERVAL '40 days' + i * INTERVAL '5 minutes' AS w) t
            WHERE w < date_trunc('hour', now()) - INTERVAL '15 minutes';
            INSERT INTO trend_alerts (window_start, window_end, product_id, metric, observed, baseline, ratio, severity)
            SELECT date_trunc('hour', now()) - i * INTERVAL '1 day', date_trunc('hour', now()) - i * INTERVAL '1 day'
                   + INTERVAL '5 minutes', 'p1', m, 30, 10, 3, 'HIGH'
            FROM generate_series(1, 20) i, unnest(ARRAY['REVENUE', 'VIEWS']) m;
            INSERT INTO late_events (event_time, event_id, product_id, kind, window_start, units, revenue,
                                     watermark_at_arrival)
            SELECT now() - i * INTERVAL '13 hours', 'late-' || i, 'p2', 'ORDER', date_trunc('hour', now() - i * INTERVAL '13 hours'),
                   1, 9.99, now() - i * INTERVAL '13 hours' + INTERVAL '10 minutes'
            FROM generate_series(1, 60) i""";

    /** A late firing: one window of p1, the given time back, gets 100 more orders; returns the rows updated. */
    private static String rewrite(String back) {
        return "WITH w AS (UPDATE product_window_stats SET orders = orders + 100, updated_at = now() "
                + "WHERE product_id = 'p1' AND window_start = date_trunc('hour', now() - INTERVAL '" + back + "') "
                + "RETURNING 1) SELECT count(*) FROM w";
    }

    private static void snapshot(Plan plan, String prefix) {
        plan.sql(prefix + " hypertables", HYPERTABLES)
                .sql(prefix + " compression", COMPRESSION)
                .sql(prefix + " policies", POLICIES)
                .sql(prefix + " rollup", ROLLUP)
                .sql(prefix + " relations", RELATIONS);
    }

    /** The steps by name, after checking that every step succeeded. */
    private static Map<String, Step> applied(List<Step> steps) {
        assertThat(steps).allSatisfy(s -> assertThat(s.error()).as("step '%s' failed", s.name()).isEmpty());
        return PgliteTimescale.byName(steps);
    }
}
