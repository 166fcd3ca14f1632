package io.trendstream.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable store: a compacted, single-partition Kafka topic. {@link #replay} reads it from the start
 * to its end offset; {@link #append} writes one entry and returns once the broker has it on all in-sync replicas.
 */
final class SchemaLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaLog.class);

    private final String bootstrapServers;
    private final String topic;
    private final Duration timeout;
    private KafkaProducer<String, String> producer;

    SchemaLog(String bootstrapServers, String topic, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.timeout = timeout;
    }

    String topic() {
        return topic;
    }

    /** Creates the topic if it is missing, then hands every entry in it, in order, to {@code apply}. */
    void replay(Consumer<LogEntry> apply) throws ExecutionException, InterruptedException, TimeoutException {
        createTopicIfMissing();
        TopicPartition partition = new TopicPartition(topic, 0);
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int count = 0;
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Could not read " + topic + " to offset " + end + " within " + timeout);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    LogEntry.decode(record.key(), record.value()).ifPresent(apply);
                    count++;
                }
            }
        }
        LOG.info("Read {} records from schema topic {}", count, topic);
    }

    /** Writes an entry and waits until it is acknowledged by all in-sync replicas. */
    synchronized void append(LogEntry entry) throws ExecutionException, InterruptedException, TimeoutException {
        if (producer == null) {
            Map<String, Object> config = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
            producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }
        producer.send(new ProducerRecord<>(topic, 0, entry.key(), entry.value()))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void createTopicIfMissing() throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        // One partition keeps a total order of registrations; compaction keeps the newest entry per key forever.
        NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created schema topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
    }
}
