package io.trendstream.bench;

import io.trendstream.config.PipelineConfig;
import io.trendstream.config.PipelineOptions;
import io.trendstream.config.WatermarkAlignment;
import io.trendstream.config.WindowSettings;
import io.trendstream.jobs.KafkaConnectors;
import io.trendstream.jobs.TrendPipelineJob;
import io.trendstream.records.ActivityBundle;
import io.trendstream.workflows.TrendPipelineWorkflow;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A Flink job on a bench cluster ({@link FlinkSession}), observed through its metrics where the cluster keeps them
 * ({@link InProcessMetrics}) and, for its graph and checkpoints, the cluster's REST API.
 */
final class FlinkJobVariant implements RunningVariant {
    /** The window operator's name starts with this (TrendPipelineWorkflow). */
    private static final String WINDOW_VERTEX = "Window per product";

    private final JobClient job;
    private final String jobId;
    private final FlinkRest rest;
    private final InProcessMetrics.Reader metrics;
    private final String database;
    /** A fragment of the name of the vertex whose input watermark closes windows; null: no windows (the ceiling). */
    private final String windowVertex;
    /** How many source vertices the job has, once its graph is known: each must report its records. */
    private OptionalLong sourceVertices = OptionalLong.empty();

    FlinkJobVariant(JobClient job, FlinkSession session, String database, String windowVertex) {
        this.job = job;
        this.jobId = job.getJobID().toHexString();
        this.rest = new FlinkRest(session.restPort(), jobId);
        this.metrics = session.metrics();
        this.database = database;
        this.windowVertex = windowVertex;
    }

    /**
     * Ceiling: the pipeline's own KafkaSources (Confluent Avro decode + validation) and watermark strategy, with the
     * pipeline's runtime settings ({@link TrendPipelineJob#configureRuntime}: object reuse, checkpointing every
     * checkpoint interval, state backend, restarts) and parallelism, into a DiscardingSink. Without object reuse every
     * decoded record would be deep-copied into the sink, a cost the pipeline never pays (issue 12). Without the
     * pipeline's watermark alignment: that makes the source running ahead wait for the other, which is work saved
     * for the window stage the ceiling does not have, and it paused the ceiling's sources (bench/README.md).
     */
    static FlinkJobVariant ceiling(BenchStack stack, BenchOptions options, Dataset dataset, int parallelism) throws Exception {
        return discarding("ceiling", stack, options, dataset, parallelism, (env, config, kafka) -> {
            WindowSettings windows = config.windowSettings();
            env.fromSource(kafka.orders(), TrendPipelineWorkflow.watermarks(windows), "Kafka: orders").sinkTo(new DiscardingSink<>());
            env.fromSource(kafka.views(), TrendPipelineWorkflow.watermarks(windows), "Kafka: product views").sinkTo(new DiscardingSink<>());
        });
    }

    /**
     * Diagnostic, not a target: the ceiling plus what the pipeline does before its window stage
     * ({@link TrendPipelineWorkflow#activity}: dead-letter routing, bundling per product window) and the shuffle by
     * product, into a DiscardingSink. Its rate bounds what the pipeline could reach with a window stage that cost
     * nothing (bench/README.md). Its sources do not align, as the ceiling's do not.
     */
    static FlinkJobVariant bundled(BenchStack stack, BenchOptions options, Dataset dataset, int parallelism) throws Exception {
        return discarding("bundled", stack, options, dataset, parallelism, (env, config, kafka) -> {
            WatermarkAlignment notAligned = new WatermarkAlignment(Duration.ZERO, config.watermarkAlignment().updateInterval());
            TrendPipelineWorkflow.activity(env, config.windowSettings(), notAligned, config.windowMemory(), kafka.orders(), kafka.views())
                    .bundles()
                    .keyBy(ActivityBundle::productId)
                    .sinkTo(new DiscardingSink<>());
        });
    }

    /** What a job that writes nothing reads and does before it discards. */
    private interface Discarding {
        void define(StreamExecutionEnvironment env, PipelineConfig config, KafkaConnectors kafka);
    }

    /** A job named {@code name} of the pipeline's sources, with its runtime settings, that writes nothing. */
    private static FlinkJobVariant discarding(String name, BenchStack stack, BenchOptions options, Dataset dataset,
            int parallelism, Discarding definition) throws Exception {
        PipelineConfig config = pipelineConfig(stack, options, dataset, name + "-" + shortId(), stack.postgres.jdbcUrl("postgres"));
        StreamExecutionEnvironment env = stack.flink().environment(parallelism);
        TrendPipelineJob.configureRuntime(env, config);
        definition.define(env, config, new KafkaConnectors(config));
        return submit(stack, env, name, null, null);
    }

    /** The pipeline exactly as TrendPipelineJob defines it: RocksDB, exactly-once checkpoints, XA sinks. */
    static FlinkJobVariant pipeline(BenchStack stack, BenchOptions options, Dataset dataset, int parallelism) throws Exception {
        return pipeline(stack, stack.flink(), options, dataset, parallelism);
    }

    /** {@link #pipeline(BenchStack, BenchOptions, Dataset, int) The pipeline} on {@code session}. */
    static FlinkJobVariant pipeline(BenchStack stack, FlinkSession session, BenchOptions options, Dataset dataset,
            int parallelism) throws Exception {
        String name = "pipeline" + shortId();
        String jdbcUrl = stack.freshDatabase(name);
        stack.kafka.createTopic(name + "-alerts", 1);
        stack.kafka.createTopic(name + "-dead-letters", 1);
        stack.kafka.createTopic(name + "-products", 1, java.util.Map.of("cleanup.policy", "compact"));
        stack.kafka.createTopic(name + "-window-stats", 1);
        PipelineConfig config = pipelineConfig(stack, options, dataset, name, jdbcUrl);
        StreamExecutionEnvironment env = session.environment(parallelism);
        TrendPipelineJob.defineJob(env, config);
        return submit(session, env, config.get(PipelineOptions.JOB_NAME), name, WINDOW_VERTEX);
    }

    /**
     * Submits the job defined on {@code env} (from {@link FlinkSession#environment}) to the bench's cluster.
     *
     * @param database the database the job writes its rows to; null: none
     * @param windowVertex a fragment of the name of the vertex whose input watermark closes windows; null: none
     */
    static FlinkJobVariant submit(BenchStack stack, StreamExecutionEnvironment env, String jobName, String database,
            String windowVertex) throws Exception {
        return submit(stack.flink(), env, jobName, database, windowVertex);
    }

    /** Submits the job defined on {@code env} (from {@code session}'s {@link FlinkSession#environment}) to {@code session}. */
    static FlinkJobVariant submit(FlinkSession session, StreamExecutionEnvironment env, String jobName, String database,
            String windowVertex) throws Exception {
        return new FlinkJobVariant(env.executeAsync(jobName), session, database, windowVertex);
    }

    static PipelineConfig pipelineConfig(BenchStack stack, BenchOptions options, Dataset dataset, String name, String jdbcUrl) {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers", stack.bootstrapServers(),
                "--kafka.topic.orders", dataset.ordersTopic,
                "--kafka.topic.views", dataset.viewsTopic,
                "--kafka.topic.alerts", name + "-alerts",
                "--kafka.topic.dead-letters", name + "-dead-letters",
                "--kafka.topic.products", name + "-products",
                "--kafka.topic.window-stats", name + "-window-stats",
                "--kafka.group-id", name,
                "--kafka.transactional-id-prefix", name,
                "--schema-registry.url", stack.registryServer.url(),
                "--jdbc.url", jdbcUrl,
                "--jdbc.user", stack.postgres.user(),
                "--window.size", options.windowSize.toSeconds() + " s",
                "--window.allowed-lateness", options.allowedLateness.toSeconds() + " s",
                "--watermark.out-of-orderness", options.outOfOrderness.toSeconds() + " s",
                "--checkpoint.interval", options.checkpointInterval.toMillis() + " ms",
                "--job.name", "TrendStream bench " + name));
        options.pipelineConfig.forEach((key, value) -> args.addAll(List.of("--" + key, value)));
        Map<String, String> environment = stack.password().map(p -> Map.of("TRENDSTREAM_JDBC_PASSWORD", p)).orElse(Map.of());
        return PipelineConfig.resolve(args.toArray(String[]::new), environment, new Configuration());
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public OptionalLong recordsRead() throws Exception {
        if (sourceVertices.isEmpty()) {
            sourceVertices = restOrEmpty(rest::sourceVertices);
            if (sourceVertices.isEmpty()) {
                return OptionalLong.empty();
            }
        }
        return metrics.sourceRecordsOut(jobId, Math.toIntExact(sourceVertices.getAsLong()));
    }

    @Override
    public OptionalLong closingWatermark() throws Exception {
        return windowVertex != null ? metrics.inputWatermark(jobId, windowVertex) : OptionalLong.empty();
    }

    @Override
    public Optional<FlinkRest.CheckpointStats> checkpoints() throws Exception {
        return Optional.of(rest.checkpoints());
    }

    @Override
    public Optional<String> database() {
        return Optional.ofNullable(database);
    }

    @Override
    public void checkAlive() throws Exception {
        JobStatus status = job.getJobStatus().get();
        if (status.isGloballyTerminalState() || status == JobStatus.RESTARTING || status == JobStatus.FAILING) {
            throw new IllegalStateException("Flink job is " + status + " (a restart would invalidate the measurement)");
        }
    }

    private interface RestCall {
        OptionalLong call() throws Exception;
    }

    /** While the job is being deployed the REST API answers 404 for its vertices: not yet known. */
    private static OptionalLong restOrEmpty(RestCall call) throws Exception {
        try {
            return call.call();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** Cancels the job and waits until it has ended: its slots are the next variant's. */
    @Override
    public void close() throws Exception {
        try {
            job.cancel().get();
        } catch (Exception e) {
            // already terminal
        }
        try {
            job.getJobExecutionResult().get();
        } catch (Exception e) {
            // cancelled, or failed before: either way it has ended
        }
        metrics.forget(jobId);
    }
}
