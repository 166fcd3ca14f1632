package io.trendstream.bench;

import io.trendstream.config.PipelineOptions;
import io.trendstream.config.TrendSettings;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.functions.OrderEventRules;
import io.trendstream.functions.ProductViewRules;
import io.trendstream.serialization.SchemaRegistrySettings;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kafka Streams peer, written as its own experts would: decode + validate -> DLQ branch | bundles per (product,
 * window) collected before the repartition ({@link PeerIngest}) -> repartition by product -> tumbling windows that
 * count each event once by id ({@link PeerWindowTotals}, as the pipeline's windows do; no dedup store), emitted once
 * on window close -> EMA in a state store -> batched upserts into product_window_stats. exactly_once_v2, threads =
 * parallelism, a 256 MB record cache, RocksDB tuned ({@link PeerRocksDbConfig}), compact serdes. The windows' grace must cover the
 * disorder Kafka Streams sees at the window stage, which in a replay is much more than the job's allowed lateness
 * (see {@link BenchOptions#peerGrace(Dataset)}); {@link PeerDisorder} measures it in every run.
 */
final class StreamsPeer implements RunningVariant {

    /** Kafka Streams' default for {@code __emit.interval.ms.kstreams.windowed.aggregation__}. */
    static final long EMIT_INTERVAL_MILLIS = 1_000;
    /** The key of the empty bundles that make the peer emit its last closed windows: no product's id. */
    static final String NUDGE_KEY = "bench-end-of-input";
    /** The repartition by product between the ingest and the window stage. */
    private static final String REPARTITION = "by-product";
    /** Records the validation's "future" check against; as the job's default (validation.max-future-skew). */
    private static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(10);
    /** The record cache over all threads (Kafka Streams' default is 10 MB). */
    static final long CACHE_BYTES = 256L << 20;

    private final KafkaStreams streams;
    private final AtomicLong recordsRead;
    /** Activities the ingest tasks put into bundles (duplicates included). */
    private final AtomicLong bundled;
    private final PeerStreamTime streamTime;
    /** The application id, which names its internal topics, and the name of its database. */
    private final String name;
    private final Path stateDir;
    private final PeerDisorder disorder;
    private final String bootstrapServers;
    private final long windowSizeMillis;
    private final Duration grace;
    private final boolean emitOnClose;
    /** Sends the end-of-input bundles ({@link #awaitingFinalRows}); created on first use. */
    private KafkaProducer<String, PeerBundle> nudger;
    private long lastNudge;
    private int nudges;

    private StreamsPeer(KafkaStreams streams, AtomicLong recordsRead, AtomicLong bundled, PeerStreamTime streamTime,
                        String name, Path stateDir, PeerDisorder disorder, String bootstrapServers, Duration windowSize,
                        Duration grace, boolean emitOnClose) {
        this.grace = grace;
        this.emitOnClose = emitOnClose;
        this.bootstrapServers = bootstrapServers;
        this.windowSizeMillis = windowSize.toMillis();
        this.bundled = bundled;
        this.disorder = disorder;
        this.streams = streams;
        this.recordsRead = recordsRead;
        this.streamTime = streamTime;
        this.name = name;
        this.stateDir = stateDir;
    }

    /**
     * @param grace the windows' grace period (for the like-for-like peer: sized to the replay, {@link BenchOptions#peerGrace})
     * @param emitOnClose one final row per window when stream time passes its end + grace; otherwise every
     *     (cached) update is upserted, and the row is final once all input is processed
     */
    static StreamsPeer start(BenchStack stack, BenchOptions options, Dataset dataset, int threads, Duration grace,
                             boolean emitOnClose) throws Exception {
        String name = "streams" + UUID.randomUUID().toString().substring(0, 8);
        String jdbcUrl = stack.freshDatabase(name);
        String alertsTopic = name + "-alerts";
        String deadLettersTopic = name + "-dead-letters";
        stack.kafka.createTopic(alertsTopic, 1);
        stack.kafka.createTopic(deadLettersTopic, 1);
        Properties jdbc = new Properties();
        jdbc.setProperty("user", stack.postgres.user());
        stack.password().ifPresent(p -> jdbc.setProperty("password", p));
        // Same rewriting of batches into multi-row statements as the job's connection gets, if any: plain driver defaults.

        AtomicLong recordsRead = new AtomicLong();
        PeerStreamTime streamTime = new PeerStreamTime(2 * options.partitions, options.outOfOrderness.toMillis());
        SchemaRegistrySettings registry = stack.registry();
        PeerDisorder disorder = new PeerDisorder(options.windowSize.toMillis(), grace.toMillis());
        AtomicLong bundled = new AtomicLong();

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PeerWindowSink.BASELINE_STORE), Serdes.String(), PeerSerdes.baseline()));

        KStream<String, PeerIngest.Output> orders = builder
                .stream(dataset.ordersTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new PeerIngest<>(() -> new ConfluentAvroSerde<>(OrderEvent.class, registry),
                        new OrderEventRules(MAX_FUTURE_SKEW), recordsRead, bundled, streamTime, options.windowSize), Named.as("ingest-orders"));
        KStream<String, PeerIngest.Output> views = builder
                .stream(dataset.viewsTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new PeerIngest<>(() -> new ConfluentAvroSerde<>(ProductView.class, registry),
                        new ProductViewRules(MAX_FUTURE_SKEW), recordsRead, bundled, streamTime, options.windowSize), Named.as("ingest-views"));

        orders.merge(views).split(Named.as("route-"))
                .branch((key, out) -> out.deadLetter() != null, Branched.withConsumer(dead -> dead
                        .mapValues(PeerIngest.Output::deadLetter)
                        .to(deadLettersTopic, Produced.with(Serdes.String(), Serdes.ByteArray())), "dead-letters"))
                .defaultBranch(Branched.withConsumer(valid -> valid
                        .mapValues(PeerIngest.Output::bundle)
                        .repartition(Repartitioned.<String, PeerBundle>as(REPARTITION)
                                .withKeySerde(Serdes.String()).withValueSerde(PeerSerdes.bundle()))
                        .processValues(disorder::probe, Named.as("disorder-probe"))
                        .groupByKey(Grouped.with(Serdes.String(), PeerSerdes.bundle()))
                        .windowedBy(TimeWindows.ofSizeAndGrace(options.windowSize, grace))
                        .emitStrategy(emitOnClose ? EmitStrategy.onWindowClose() : EmitStrategy.onWindowUpdate())
                        .aggregate(PeerWindowTotals::new, (productId, bundle, totals) -> add(totals, bundle),
                                Materialized.<String, PeerWindowTotals, WindowStore<Bytes, byte[]>>as("product-windows")
                                        .withKeySerde(Serdes.String()).withValueSerde(PeerSerdes.totals())
                                        // Default: size + grace, the least allowed. Then a window can leave the
                                        // store as its task's stream time passes its close, before the emission
                                        // (throttled to once a second, on a record) has fetched it: in a 3M-event
                                        // replay 160 of 6,000 windows were never emitted.
                                        .withRetention(options.windowSize.plus(grace).multipliedBy(2)))
                        .toStream(Named.as("closed-windows"))
                        .process(() -> new PeerWindowSink(jdbcUrl, jdbc, TrendSettings.defaults()),
                                Named.as("ema-and-database"), PeerWindowSink.BASELINE_STORE)
                        .to(alertsTopic, Produced.with(Serdes.String(), Serdes.String())), "activities"));

        Path stateDir = Files.createTempDirectory("trendstream-bench-streams-");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, name);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // The transaction length, as the Flink job's checkpoint interval is its transaction length.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.checkpointInterval.toMillis());
        // As the job's Kafka sinks (kafka.transaction-timeout, default 15 min). Kafka Streams' own default under
        // exactly-once is 10 s, no longer than this commit interval: the broker then aborts open transactions, which
        // fences the thread and makes it reprocess from the last commit.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                (int) PipelineOptions.KAFKA_TRANSACTION_TIMEOUT.defaultValue().toMillis());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A task of the first sub-topology holds one orders and one views partition (merged). At 0 (Kafka Streams'
        // default) it already waits to fetch what is on the broker before processing one partition ahead of the
        // other, so a preloaded backlog is read in timestamp order within a task; a positive value only adds waiting
        // for producers. It cannot order records across tasks, which is where the replay's disorder comes from.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, options.peerTaskIdle.toMillis());
        // Tuned as its own engineers would: a large record cache in front of the window store (fewer store writes and
        // changelog records per window), RocksDB tuned for short-lived window contents (PeerRocksDbConfig).
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, CACHE_BYTES);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, PeerRocksDbConfig.class);
        props.putAll(options.peerConfig);
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.start();
        if (Boolean.getBoolean(PROGRESS_PROPERTY)) {
            logProgress(streams, recordsRead, streamTime, disorder);
        }
        return new StreamsPeer(streams, recordsRead, bundled, streamTime, name, stateDir, disorder, stack.bootstrapServers(),
                options.windowSize, grace, emitOnClose);
    }

    /**
     * With -Dtrendstream.bench.peerProgress=true (BENCH_JAVA_OPTS), once a second to stderr: records read, each input
     * partition's newest event time in seconds ahead of the slowest one, the threads' tasks, and the disorder so far.
     * This is how the replay's disorder was diagnosed (bench/README.md, "The Kafka Streams peer").
     */
    static final String PROGRESS_PROPERTY = "trendstream.bench.peerProgress";

    private static void logProgress(KafkaStreams streams, AtomicLong recordsRead, PeerStreamTime streamTime, PeerDisorder disorder) {
        long start = System.currentTimeMillis();
        Thread logger = new Thread(() -> {
            while (streams.state() != KafkaStreams.State.NOT_RUNNING) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                StringBuilder tasks = new StringBuilder();
                streams.metadataForLocalThreads().forEach(m -> tasks.append(' ').append(m.threadName().replaceAll(".*-", ""))
                        .append(m.activeTasks().stream().map(t -> t.taskId().toString()).sorted().toList()));
                System.err.println("[peer] t=" + (System.currentTimeMillis() - start) / 1000 + " s, read " + recordsRead.get()
                        + ", window stage " + disorder.seen() + "; ahead (s): " + streamTime.aheadSeconds() + ";" + tasks
                        + "; " + disorder.summary());
            }
        }, "peer-progress");
        logger.setDaemon(true);
        logger.start();
    }

    private static PeerWindowTotals add(PeerWindowTotals totals, PeerBundle bundle) {
        totals.add(bundle);
        return totals;
    }

    @Override
    public OptionalLong recordsRead() {
        // Not before its threads have their tasks: paced input starts when a variant reads.
        return streams.state() == KafkaStreams.State.RUNNING || recordsRead.get() > 0
                ? OptionalLong.of(recordsRead.get()) : OptionalLong.empty();
    }

    /**
     * Records read whose bundles have reached the window stage, estimated by the share of bundles that have: the
     * repartition topic lets the ingest run far ahead of the window stage (in the first time-boxed runs only 55 % of
     * the bundles made in a minute had reached it, so records read alone overstated the peer's throughput nearly
     * twice). A record makes about as many bundles as any other of the same data, so the share carries over.
     */
    @Override
    public OptionalLong recordsProcessed() {
        OptionalLong read = recordsRead();
        long made = bundled.get();
        if (read.isEmpty() || made == 0) {
            return read;
        }
        return OptionalLong.of((long) ((double) read.getAsLong() * Math.min(disorder.seen(), made) / made));
    }

    /**
     * Kafka Streams emits closed windows (emit on window close) only while processing a record, and at most once per
     * {@value #EMIT_INTERVAL_MILLIS} ms of wall-clock time ({@code __emit.interval.ms.kstreams.windowed.aggregation__}),
     * so windows that the last second of input closed stay unemitted once the input has ended: in one full benchmark
     * run the last four minutes of closed windows (827 of 6,000 rows) never came. An infinite stream emits them with
     * its next records; a bounded input sends them here, once every activity has reached the window stage
     * ({@link #drained()}): one empty bundle per repartition partition, stamped {@link #endOfInputAdvance} past the
     * last event time, once per emit interval while rows are awaited.
     */
    @Override
    public void awaitingFinalRows(Dataset dataset) {
        long now = System.currentTimeMillis();
        if (!emitOnClose || now - lastNudge <= EMIT_INTERVAL_MILLIS) {
            return; // on update, every window's row is written as it changes
        }
        lastNudge = now;
        if (nudger == null) {
            Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            nudger = new KafkaProducer<>(config, new StringSerializer(), PeerSerdes.bundle().serializer());
        }
        String topic = name + "-" + REPARTITION + "-repartition"; // Kafka Streams' name for it
        long endOfInput = dataset.lastEventTime() + endOfInputAdvance(dataset, grace).toMillis();
        PeerBundle empty = new PeerBundle(NUDGE_KEY, PeerBundle.windowStart(endOfInput, windowSizeMillis));
        for (PartitionInfo partition : nudger.partitionsFor(topic)) {
            nudger.send(new ProducerRecord<>(topic, partition.partition(), endOfInput, NUDGE_KEY, empty));
        }
        nudger.flush();
        nudges++;
    }

    /**
     * How far past the last event time the end-of-input bundles move stream time. In a replay, by the grace: every
     * window that ended before the last event closes, as at the end of a bounded input, so the peer is judged on the
     * same windows as every other variant (its grace covers the whole replay, so no window closes before that). On
     * paced input not at all: a window closes when its grace has passed on the wall clock, and its latency is its own.
     */
    static Duration endOfInputAdvance(Dataset dataset, Duration grace) {
        return dataset.pacedRate > 0 ? Duration.ZERO : grace;
    }

    /** How long after a window's end (in event time) its row is due: the part of the grace the end of input does not cover. */
    static Duration emitDelay(Dataset dataset, Duration grace) {
        return grace.minus(endOfInputAdvance(dataset, grace));
    }

    /** Asked once all input is read: every activity bundled from it has reached the window stage. */
    @Override
    public boolean drained() {
        return disorder.seen() >= bundled.get();
    }

    @Override
    public OptionalLong closingWatermark() {
        return streamTime.watermark();
    }

    @Override
    public Optional<FlinkRest.CheckpointStats> checkpoints() {
        return Optional.empty();
    }

    @Override
    public Optional<String> database() {
        return Optional.of(name);
    }

    @Override
    public Optional<String> notes() {
        double dropped = streams.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("dropped-records-total")
                        && m.getKey().group().equals("stream-task-metrics"))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue())
                .sum();
        // In a time-boxed run, how far the window stage trailed the ingest behind the repartition topic at the end.
        return Optional.of(disorder.summary() + "; Kafka Streams dropped-records-total " + (long) dropped
                + String.format(Locale.ROOT, "; %,d of %,d bundles had reached the window stage", disorder.seen(), bundled.get())
                + (nudges > 0 ? "; end-of-input bundles sent " + nudges + " times" : ""));
    }

    @Override
    public void checkAlive() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
            throw new IllegalStateException("Kafka Streams is " + state);
        }
    }

    @Override
    public void close() throws Exception {
        if (nudger != null) {
            nudger.close(Duration.ofSeconds(10));
        }
        // On a loaded machine closing can take longer than the wait; its state directory is deleted below anyway.
        if (streams.close(Duration.ofSeconds(60))) {
            streams.cleanUp();
        }
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
