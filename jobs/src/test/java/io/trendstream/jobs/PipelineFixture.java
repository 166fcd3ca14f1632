package io.trendstream.jobs;

import io.trendstream.config.PipelineConfig;
import io.trendstream.config.PipelineOptions;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.PostgresExtension;
import io.trendstream.testing.Database;
import io.trendstream.workflows.PipelineOutputs;
import io.trendstream.workflows.TrendPipelineWorkflow;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * One pipeline's world for an integration test: its own topics, database and configuration on the
 * shared broker, PostgreSQL and registry, so that tests in one JVM never see each other's data.
 */
final class PipelineFixture implements AutoCloseable {
    static final int PARTITIONS = 2;

    final String name;
    final String ordersTopic;
    final String viewsTopic;
    final String alertsTopic;
    final String deadLettersTopic;
    final String productsTopic;
    final String windowStatsTopic;
    final String jdbcUrl;
    final Database database;
    final SchemaRegistrySettings registry;
    private final KafkaBrokerExtension kafka;
    private final PostgresExtension postgres;
    private final SerializationSchema<OrderEvent> orderSerializer;
    private final SerializationSchema<ProductView> viewSerializer;
    private JobClient job;

    PipelineFixture(KafkaBrokerExtension kafka, PostgresExtension postgres, SchemaRegistryServer registryServer) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.name = "it" + UUID.randomUUID().toString().substring(0, 8);
        this.ordersTopic = name + "-orders";
        this.viewsTopic = name + "-views";
        this.alertsTopic = name + "-alerts";
        this.deadLettersTopic = name + "-dead-letters";
        kafka.createTopic(ordersTopic, PARTITIONS);
        kafka.createTopic(viewsTopic, PARTITIONS);
        kafka.createTopic(alertsTopic, 1);
        kafka.createTopic(deadLettersTopic, 1);
        this.productsTopic = name + "-products";
        this.windowStatsTopic = name + "-window-stats";
        kafka.createTopic(productsTopic, 1, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(windowStatsTopic, PARTITIONS, Map.of("cleanup.policy", "compact"));
        postgres.createDatabase(name);
        try {
            postgres.applySchema(name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Could not apply sql/ to " + name, e);
        }
        this.jdbcUrl = postgres.jdbcUrl(name);
        this.database = new Database(jdbcUrl, postgres.user(), postgres.password());
        this.registry = SchemaRegistrySettings.builder(registryServer.url()).build();
        this.orderSerializer = ConfluentAvro.forSpecificSerialization(OrderEvent.class, ConfluentAvro.topicValueSubject(ordersTopic), registry);
        this.viewSerializer = ConfluentAvro.forSpecificSerialization(ProductView.class, ConfluentAvro.topicValueSubject(viewsTopic), registry);
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Settings as a user would pass them; the password only through the environment. */
    PipelineConfig config(String... overrides) {
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.topic.orders", ordersTopic,
                "--kafka.topic.views", viewsTopic,
                "--kafka.topic.alerts", alertsTopic,
                "--kafka.topic.dead-letters", deadLettersTopic,
                "--kafka.topic.products", productsTopic,
                "--kafka.topic.window-stats", windowStatsTopic,
                "--kafka.group-id", name,
                "--kafka.transactional-id-prefix", name,
                "--schema-registry.url", registry.url(),
                "--jdbc.url", jdbcUrl,
                "--jdbc.user", postgres.user(),
                "--window.size", "60 s",
                "--window.allowed-lateness", "30 s",
                "--watermark.out-of-orderness", "5 s",
                "--trend.ema-alpha", "0.5",
                "--trend.warm-up-windows", "3",
                "--checkpoint.interval", "500 ms",
                "--job.name", "TrendStream " + name));
        args.addAll(List.of(overrides));
        Map<String, String> environment = postgres.password() == null
                ? Map.of() : Map.of("TRENDSTREAM_JDBC_PASSWORD", postgres.password());
        return PipelineConfig.resolve(args.toArray(String[]::new), environment, new Configuration());
    }

    JobClient start(PipelineConfig config, int parallelism) throws Exception {
        return start(config, parallelism, new Configuration());
    }

    /** The job as shipped, restored from a savepoint, as {@code flink run -s <savepoint> -p <parallelism>} does. */
    JobClient startFromSavepoint(PipelineConfig config, int parallelism, String savepoint) throws Exception {
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        return start(config, parallelism, restore);
    }

    private JobClient start(PipelineConfig config, int parallelism, Configuration execution) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(execution);
        env.setParallelism(parallelism);
        TrendPipelineJob.defineJob(env, config);
        job = env.executeAsync(config.get(PipelineOptions.JOB_NAME));
        return job;
    }

    /** The job as shipped, with the production outputs decorated by the test (e.g. to inject a fault). */
    JobClient start(PipelineConfig config, int parallelism, UnaryOperator<PipelineOutputs> decorate) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        TrendPipelineJob.configureRuntime(env, config);
        KafkaConnectors kafkaConnectors = new KafkaConnectors(config);
        TrendPipelineWorkflow.defineWorkflow(env, config.windowSettings(), config.watermarkAlignment(),
                config.windowMemory(), config.trendSettings(),
                kafkaConnectors.orders(), kafkaConnectors.views(), kafkaConnectors.products(),
                decorate.apply(TrendPipelineJob.productionOutputs(config, kafkaConnectors)));
        job = env.executeAsync(config.get(PipelineOptions.JOB_NAME));
        return job;
    }

    ProducerRecord<byte[], byte[]> order(OrderEvent order, int partition) {
        return new ProducerRecord<>(ordersTopic, partition, null, order.getEventId().getBytes(), orderSerializer.serialize(order));
    }

    ProducerRecord<byte[], byte[]> view(ProductView view, int partition) {
        return new ProducerRecord<>(viewsTopic, partition, null, view.getEventId().getBytes(), viewSerializer.serialize(view));
    }

    byte[] serialize(OrderEvent order) {
        return orderSerializer.serialize(order);
    }

    @Override
    public void close() throws Exception {
        if (job != null) {
            try {
                job.cancel().get();
            } catch (Exception e) {
                // already finished or failed; the test's assertions tell which
            }
        }
    }
}
