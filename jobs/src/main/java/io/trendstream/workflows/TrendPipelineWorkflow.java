package io.trendstream.workflows;

import io.trendstream.config.TrendSettings;
import io.trendstream.config.WatermarkAlignment;
import io.trendstream.config.WindowMemory;
import io.trendstream.config.WindowSettings;
import io.trendstream.events.DeadLetter;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.WindowStats;
import io.trendstream.functions.ActivityBundler;
import io.trendstream.functions.AlertEnrichment;
import io.trendstream.functions.DeadLetterBlindWatermarks;
import io.trendstream.functions.DeadLetterRouter;
import io.trendstream.functions.DurableWatermark;
import io.trendstream.functions.LateEventRecorder;
import io.trendstream.functions.OrderToActivities;
import io.trendstream.functions.ProductCatalog;
import io.trendstream.functions.ProductWindowOperator;
import io.trendstream.functions.TrendDetector;
import io.trendstream.functions.ViewToActivity;
import io.trendstream.functions.WindowEnrichment;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.CatalogChange;
import io.trendstream.records.Ingested;
import io.trendstream.records.LateEvent;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * The pipeline, as the dashboard shows it:
 *
 * <pre>
 * Kafka: orders -> Route dead letters: orders -> Bundle order lines per product window -+
 *                         \-> dead letters                                                |-> Keep the watermark -> Window per product -> Detect trends -> alerts
 * Kafka: views  -> Route dead letters: views  -> Bundle views per product window -------+   across restarts       (each event once)  |        \-> window stats
 *                         \-> dead letters                                                                                                     \-> Describe late events -> late events
 * Kafka: products -> Route dead letters: products -> (broadcast) -> Enrich windows with the catalog -> window-stats topic
 *                                                  \-> products table                    \-> Enrich alerts with the catalog -> alerts
 * </pre>
 *
 * The catalog is broadcast state of the two enrichment operators, after the window operator and the trend detector:
 * a catalog change applies to the rows and alerts that reach them after it, nothing waits for the catalog.
 *
 * Sources and outputs are parameters, so that tests run this same graph with their own.
 * Every stateful operator has a stable uid: renaming one makes its state unrestorable from savepoints.
 */
public final class TrendPipelineWorkflow {

    public static final OutputTag<ActivityBundle> LATE_ACTIVITY = new OutputTag<>("late-activity") {};

    private static final TypeInformation<ActivityBundle> BUNDLE_TYPE = TypeInformation.of(ActivityBundle.class);

    /** Operator uids; part of the savepoint compatibility contract. */
    public static final class Uids {
        public static final String ORDERS_SOURCE = "source-orders";
        public static final String VIEWS_SOURCE = "source-views";
        public static final String ORDERS_DEAD_LETTERS = "dead-letters-orders";
        public static final String VIEWS_DEAD_LETTERS = "dead-letters-views";
        public static final String ORDERS_BUNDLER = "bundle-orders";
        public static final String VIEWS_BUNDLER = "bundle-views";
        public static final String DURABLE_WATERMARK = "durable-watermark";
        public static final String PRODUCT_WINDOWS = "product-windows";
        public static final String LATE_EVENTS = "late-events";
        public static final String TREND_DETECTOR = "trend-detector";
        public static final String CATALOG_SOURCE = "source-products";
        public static final String CATALOG_DEAD_LETTERS = "dead-letters-products";
        public static final String CATALOG_EVENT_TIME = "catalog-event-time";
        public static final String WINDOW_ENRICHMENT = "enrich-windows";
        public static final String ALERT_ENRICHMENT = "enrich-alerts";
        public static final String WINDOW_STATS_KAFKA_SINK = "sink-window-stats-kafka";
        public static final String PRODUCTS_SINK = "sink-products-db";
        public static final String WINDOW_STATS_SINK = "sink-window-stats";
        public static final String ALERTS_KAFKA_SINK = "sink-alerts-kafka";
        public static final String ALERTS_DATABASE_SINK = "sink-alerts-db";
        public static final String LATE_EVENTS_SINK = "sink-late-events";
        public static final String DEAD_LETTERS_SINK = "sink-dead-letters";

        private Uids() {}
    }

    private TrendPipelineWorkflow() {}

    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            WindowSettings windows,
            WatermarkAlignment alignment,
            WindowMemory memory,
            TrendSettings trends,
            Source<Ingested<OrderEvent>, ?, ?> orderSource,
            Source<Ingested<ProductView>, ?, ?> viewSource,
            Source<Ingested<CatalogChange>, ?, ?> catalogSource,
            PipelineOutputs outputs) {

        Activity activity = activity(env, windows, alignment, memory, orderSource, viewSource);

        SingleOutputStreamOperator<CatalogChange> catalog = env
                .fromSource(catalogSource, WatermarkStrategy.noWatermarks(), "Kafka: products")
                .uid(Uids.CATALOG_SOURCE)
                .process(new DeadLetterRouter<CatalogChange>("products"))
                .returns(CatalogChange.typeInfo())
                .name("Route dead letters: products")
                .uid(Uids.CATALOG_DEAD_LETTERS);

        DataStream<DeadLetter> deadLetters = activity.deadLetters().union(catalog.getSideOutput(DeadLetterRouter.DEAD_LETTERS));

        // Windows count each event once (by event id), so retries need no dedup stage; a window keeps each
        // distinct event and user once, so its state is bounded by the distinct events, not the activity.
        SingleOutputStreamOperator<WindowAggregate> windowStats = withDurableWatermark(activity.bundles())
                .transform("Window per product (" + describe(windows.size()) + ", each event once)",
                        TypeInformation.of(WindowAggregate.class), new ProductWindowOperator(windows, memory, LATE_ACTIVITY))
                .uid(Uids.PRODUCT_WINDOWS);

        DataStream<LateEvent> lateEvents = windowStats
                .getSideOutput(LATE_ACTIVITY)
                .process(new LateEventRecorder(windows))
                .name("Describe late events")
                .uid(Uids.LATE_EVENTS);

        BroadcastStream<CatalogChange> catalogEverywhere = catalog
                .assignTimestampsAndWatermarks(neverHoldingBackEventTime())
                .name("Catalog: no event time")
                .uid(Uids.CATALOG_EVENT_TIME)
                .broadcast(ProductCatalog.STATE);

        // The window operator emits a product's rows in the subtask that holds the product's key: the stages keyed by
        // product after it take them where they are, with no second shuffle (the trend detector runs in the window
        // task, chained).
        KeyedStream<WindowAggregate, String> windowsByProduct =
                DataStreamUtils.reinterpretAsKeyedStream(windowStats, WindowAggregate::productId, Types.STRING);

        DataStream<WindowStats> enrichedWindows = windowsByProduct
                .connect(catalogEverywhere)
                .process(new WindowEnrichment(windows))
                .name("Enrich windows with the catalog")
                .uid(Uids.WINDOW_ENRICHMENT);

        DataStream<TrendAlert> alerts = windowsByProduct
                .process(new TrendDetector(trends))
                .name("Detect trends (EMA)")
                .uid(Uids.TREND_DETECTOR)
                .connect(catalogEverywhere)
                .process(new AlertEnrichment())
                .name("Enrich alerts with the catalog")
                .uid(Uids.ALERT_ENRICHMENT);

        outputs.windowStats().apply(windowStats);
        outputs.windowStatsTopic().apply(enrichedWindows);
        outputs.products().apply(catalog);
        outputs.alerts().apply(alerts);
        outputs.lateEvents().apply(lateEvents);
        outputs.deadLetters().apply(deadLetters);
    }

    /**
     * The stages before the shuffle by product: the order and view events read, their dead letters routed out, and
     * each order line's and view's activity bundled per product window.
     *
     * @param bundles the activity of orders and views, in bundles per (product, window)
     * @param deadLetters the orders and views that failed decoding or validation
     */
    public record Activity(DataStream<ActivityBundle> bundles, DataStream<DeadLetter> deadLetters) {}

    /** The {@link Activity} of the orders and views read from {@code orderSource} and {@code viewSource}. */
    public static Activity activity(
            StreamExecutionEnvironment env,
            WindowSettings windows,
            WatermarkAlignment alignment,
            WindowMemory memory,
            Source<Ingested<OrderEvent>, ?, ?> orderSource,
            Source<Ingested<ProductView>, ?, ?> viewSource) {
        SingleOutputStreamOperator<OrderEvent> orders = env
                .fromSource(orderSource, alignment.applyTo(TrendPipelineWorkflow.<OrderEvent>watermarks(windows)),
                        "Kafka: orders")
                .uid(Uids.ORDERS_SOURCE)
                .process(new DeadLetterRouter<OrderEvent>("orders"))
                .returns(new AvroTypeInfo<>(OrderEvent.class))
                .name("Route dead letters: orders")
                .uid(Uids.ORDERS_DEAD_LETTERS);

        SingleOutputStreamOperator<ProductView> views = env
                .fromSource(viewSource, alignment.applyTo(TrendPipelineWorkflow.<ProductView>watermarks(windows)),
                        "Kafka: product views")
                .uid(Uids.VIEWS_SOURCE)
                .process(new DeadLetterRouter<ProductView>("views"))
                .returns(new AvroTypeInfo<>(ProductView.class))
                .name("Route dead letters: views")
                .uid(Uids.VIEWS_DEAD_LETTERS);

        // Each order line's and view's activity is encoded straight into its bundle, with no record in between.
        DataStream<ActivityBundle> orderActivity = orders
                .transform("Bundle order lines per product window", BUNDLE_TYPE,
                        new ActivityBundler<>(new OrderToActivities(), windows, memory.bundleSize()))
                .uid(Uids.ORDERS_BUNDLER);

        DataStream<ActivityBundle> viewActivity = views
                .transform("Bundle views per product window", BUNDLE_TYPE,
                        new ActivityBundler<>(new ViewToActivity(), windows, memory.bundleSize()))
                .uid(Uids.VIEWS_BUNDLER);

        return new Activity(orderActivity.union(viewActivity),
                orders.getSideOutput(DeadLetterRouter.DEAD_LETTERS).union(views.getSideOutput(DeadLetterRouter.DEAD_LETTERS)));
    }

    /**
     * The activity keyed by product, behind a {@link DurableWatermark} that keeps the window stage's watermark
     * across restarts (so a restore cannot reopen a window it closed). The operator holds no keyed state, so it
     * takes the keyBy's partitioning as a plain stream (no keyed state backend of its own) and the window
     * operator re-keys it in place: both run in one task, with nothing shuffled in between.
     */
    private static KeyedStream<ActivityBundle, String> withDurableWatermark(DataStream<ActivityBundle> activity) {
        KeyedStream<ActivityBundle, String> byProduct = activity.keyBy(ActivityBundle::productId);
        DataStream<ActivityBundle> partitioned = new DataStream<>(byProduct.getExecutionEnvironment(), byProduct.getTransformation());
        DataStream<ActivityBundle> durable = partitioned
                .transform("Keep the watermark across restarts", BUNDLE_TYPE, new DurableWatermark<>())
                .uid(Uids.DURABLE_WATERMARK);
        return DataStreamUtils.reinterpretAsKeyedStream(durable, ActivityBundle::productId, Types.STRING);
    }

    /**
     * Per-partition watermarks at the sources, so that a slow partition holds event time back and an
     * idle one does not. Dead letters neither advance the watermark nor count as activity.
     */
    public static <T> WatermarkStrategy<Ingested<T>> watermarks(WindowSettings windows) {
        return DeadLetterBlindWatermarks.of(WatermarkStrategy.<Ingested<T>>forBoundedOutOfOrderness(windows.outOfOrderness())
                .withTimestampAssigner((record, kafkaTimestamp) -> record.getEventTime())
                .withIdleness(windows.idleness()));
    }

    /**
     * The catalog has no event time, and must never hold back the event time of the windows and alerts it is joined
     * with: every subtask of its stream (one without a partition too) says, periodically, that event time is at its
     * end as far as the catalog is concerned, so the enrichment operators follow the other input's watermark alone.
     */
    private static WatermarkStrategy<CatalogChange> neverHoldingBackEventTime() {
        return WatermarkStrategy.forGenerator(context -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(CatalogChange change, long timestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }

    private static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }
}
