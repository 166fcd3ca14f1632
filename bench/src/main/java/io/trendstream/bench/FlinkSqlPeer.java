package io.trendstream.bench;

import io.trendstream.config.PipelineConfig;
import io.trendstream.config.PipelineOptions;
import io.trendstream.config.WindowSettings;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.functions.DeadLetterRouter;
import io.trendstream.functions.OrderToActivities;
import io.trendstream.functions.ViewToActivity;
import io.trendstream.jobs.KafkaConnectors;
import io.trendstream.jobs.TrendPipelineJob;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.ProductActivity;
import io.trendstream.workflows.TrendPipelineWorkflow;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The Flink SQL peer: what a Flink user would write first. The same sources, decoding, validation, dead-letter
 * routing and watermarks as the pipeline, in the DataStream API (Confluent's {@code avro-confluent} format needs
 * Confluent's Maven repository, which is not reachable here, so the project's deserializer decodes and the activity
 * stream becomes a Table with its event time and the sources' watermarks, {@code SOURCE_WATERMARK()}). Then SQL:
 * a tumbling window TVF, each event once per window with {@code ROW_NUMBER()} (window deduplication), a window
 * aggregation with two-phase (local-global) aggregation (no mini-batch settings: window TVF operators buffer per window
 * anyway), and the JDBC connector's upsert sink into
 * product_window_stats. Same runtime settings as the pipeline (RocksDB, exactly-once checkpoints every checkpoint
 * interval, object reuse, parallelism).
 *
 * <p>Not expressible in SQL, so not in this peer: re-firing a window within allowed lateness (a window TVF
 * aggregation drops late records; the bench's input has none), the late_events table, and the EMA trend detection
 * (a recursive per-product state; one record per window, a negligible share of the work). Dead letters keep their
 * raw bytes because they are routed in the DataStream part. The JDBC table sink is at-least-once (buffered
 * upserts flushed on checkpoints), not the pipeline's XA commit: its rows can become visible before the checkpoint
 * that covers them completes, and after a failure a replay rewrites them.
 */
final class FlinkSqlPeer {
    static final String DESCRIPTION = "Flink SQL: window TVF + ROW_NUMBER dedup + two-phase window aggregation, JDBC upsert sink"
            + " (decoded by the project's deserializer, DataStream -> Table)";
    /** The vertex whose input watermark closes windows: the global half of the two-phase window aggregation. */
    private static final String WINDOW_VERTEX = "GlobalWindowAggregate";

    private FlinkSqlPeer() {}

    static FlinkJobVariant start(BenchStack stack, BenchOptions options, Dataset dataset, int parallelism) throws Exception {
        String name = "sql" + FlinkJobVariant.shortId();
        String jdbcUrl = stack.freshDatabase(name);
        stack.kafka.createTopic(name + "-alerts", 1);
        stack.kafka.createTopic(name + "-dead-letters", 1);
        PipelineConfig config = FlinkJobVariant.pipelineConfig(stack, options, dataset, name, jdbcUrl);
        StreamExecutionEnvironment env = stack.flink().environment(parallelism);
        TrendPipelineJob.configureRuntime(env, config);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        var settings = tables.getConfig();
        settings.set("table.optimizer.agg-phase-strategy", "TWO_PHASE");
        settings.set("pipeline.name", "TrendStream bench " + name);

        KafkaConnectors kafka = new KafkaConnectors(config);
        WindowSettings windows = config.windowSettings();
        SingleOutputStreamOperator<OrderEvent> orders = env
                .fromSource(kafka.orders(), TrendPipelineWorkflow.watermarks(windows), "Kafka: orders")
                .process(new DeadLetterRouter<OrderEvent>("orders"))
                .returns(new AvroTypeInfo<>(OrderEvent.class))
                .name("Route dead letters: orders");
        SingleOutputStreamOperator<ProductView> views = env
                .fromSource(kafka.views(), TrendPipelineWorkflow.watermarks(windows), "Kafka: product views")
                .process(new DeadLetterRouter<ProductView>("views"))
                .returns(new AvroTypeInfo<>(ProductView.class))
                .name("Route dead letters: views");
        orders.getSideOutput(DeadLetterRouter.DEAD_LETTERS).union(views.getSideOutput(DeadLetterRouter.DEAD_LETTERS))
                .sinkTo(kafka.deadLetters()).name("Kafka: dead letters");

        DataStream<Row> activity = orders.flatMap(new OrderToActivities()).name("Order lines to product activity")
                .union(views.map(new ViewToActivity()).name("View to product activity"))
                .map(FlinkSqlPeer::row).returns(ROW).name("Activity to row");
        Table table = tables.fromDataStream(activity, Schema.newBuilder()
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                .watermark("rowtime", "SOURCE_WATERMARK()")
                .build());
        tables.createTemporaryView("activity", table);

        tables.executeSql("CREATE TEMPORARY TABLE product_window_stats ("
                + " window_start TIMESTAMP(3), window_end TIMESTAMP(3), product_id STRING, orders BIGINT, units BIGINT,"
                + " revenue DECIMAL(18, 2), avg_order_value DECIMAL(18, 2), distinct_users BIGINT, `views` BIGINT,"
                + " conversion DOUBLE, PRIMARY KEY (product_id, window_start) NOT ENFORCED"
                + ") WITH ('connector' = 'jdbc', 'table-name' = 'product_window_stats', " + credentials(stack, jdbcUrl, config)
                + ", 'sink.buffer-flush.max-rows' = '" + config.get(PipelineOptions.JDBC_BATCH_SIZE) + "')");
        long windowSeconds = options.windowSize.toSeconds();
        String windowed = "SELECT window_start, window_end, product_id, event_id, user_id, is_order, units, revenue_cents"
                + " FROM ("
                + "   SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, product_id, is_order, event_id"
                + "     ORDER BY rowtime ASC) AS rn"
                + "   FROM TABLE(TUMBLE(TABLE activity, DESCRIPTOR(rowtime), INTERVAL '" + windowSeconds + "' SECOND))"
                + " ) WHERE rn = 1";
        String insert = "INSERT INTO product_window_stats"
                + " SELECT window_start, window_end, product_id, orders, units,"
                + "   CAST(CAST(revenue_cents AS DECIMAL(20, 0)) / 100 AS DECIMAL(18, 2)),"
                + "   CASE WHEN orders = 0 THEN CAST(0 AS DECIMAL(18, 2))"
                + "     ELSE CAST(CAST(revenue_cents AS DECIMAL(20, 0)) / 100 / orders AS DECIMAL(18, 2)) END,"
                + "   distinct_users, `views`,"
                + "   CASE WHEN `views` = 0 THEN CAST(NULL AS DOUBLE) ELSE CAST(orders AS DOUBLE) / `views` END"
                + " FROM ("
                + "   SELECT window_start, window_end, product_id,"
                + "     SUM(CASE WHEN is_order THEN 1 ELSE 0 END) AS orders, SUM(CAST(units AS BIGINT)) AS units,"
                + "     SUM(revenue_cents) AS revenue_cents, COUNT(DISTINCT user_id) AS distinct_users,"
                + "     SUM(CASE WHEN is_order THEN 0 ELSE 1 END) AS `views`"
                + "   FROM (" + windowed + ")"
                + "   GROUP BY window_start, window_end, product_id)";
        BenchmarkMain.log("flink-sql plan (sink first): " + operators(tables.explainSql(insert)));
        tables.createStatementSet().addInsertSql(insert).attachAsDataStream();
        return FlinkJobVariant.submit(stack, env, "TrendStream bench " + name, name, WINDOW_VERTEX);
    }

    /**
     * The connector takes a user and a password together or neither; the bench's server may trust its user without
     * a password, then the user goes into the URL. (Flink masks the password in error messages.)
     */
    private static String credentials(BenchStack stack, String jdbcUrl, PipelineConfig config) {
        String user = config.get(PipelineOptions.JDBC_USER);
        return stack.password()
                .map(p -> "'url' = '" + jdbcUrl + "', 'username' = '" + user + "', 'password' = '" + p + "'")
                .orElse("'url' = '" + jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "user=" + user + "'");
    }

    /** The operators of the optimized execution plan, so the report shows what the planner made of the SQL. */
    private static String operators(String explained) {
        String plan = explained.substring(explained.indexOf("== Optimized Execution Plan =="));
        return plan.lines().skip(1).map(String::strip).filter(line -> line.contains("("))
                .map(line -> line.substring(line.startsWith("+- ") ? 3 : 0, line.indexOf('(')).replace("+- ", ""))
                .filter(op -> !op.isBlank()).collect(java.util.stream.Collectors.joining(" <- "));
    }

    /** product_id, event_id, user_id, is_order, units, revenue_cents; the event time travels as the record's timestamp. */
    private static final TypeInformation<Row> ROW = Types.ROW_NAMED(
            new String[] {"product_id", "event_id", "user_id", "is_order", "units", "revenue_cents"},
            Types.STRING, Types.STRING, Types.STRING, Types.BOOLEAN, Types.INT, Types.LONG);

    private static Row row(ProductActivity a) {
        return Row.of(a.productId(), a.eventId(), a.userId(), a.kind() == ActivityKind.ORDER, a.units(), a.revenueCents());
    }
}
