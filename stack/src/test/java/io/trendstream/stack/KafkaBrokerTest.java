package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void createsTopicsIdempotentlyWithTheirConfigs() throws Exception {
        KAFKA.createTopic("compacted", 3, Map.of("cleanup.policy", "compact"));
        KAFKA.createTopic("compacted", 3, Map.of("cleanup.policy", "compact"));

        try (Admin admin = KAFKA.admin()) {
            TopicDescription description = admin.describeTopics(Set.of("compacted")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("compacted");
            assertThat(description.partitions()).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "compacted");
            String policy = admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource).get("cleanup.policy").value();
            assertThat(policy).isEqualTo("compact");
        }
    }

    @Test
    void deletesTopicsAndTakesATopicThatIsAlreadyGoneAsDeleted() throws Exception {
        KAFKA.createTopic("doomed-a", 1);
        KAFKA.createTopic("doomed-b", 2);

        KAFKA.broker().deleteTopics(List.of("doomed-a", "doomed-b"));
        KAFKA.broker().deleteTopics(List.of("doomed-a", "never-created"));

        try (Admin admin = KAFKA.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("doomed-a", "doomed-b");
        }
    }

    @Test
    void readCommittedConsumerSeesExactlyTheCommittedTransactions() {
        KAFKA.createTopic("transactions", 1);

        try (KafkaProducer<String, String> producer = transactionalProducer(KAFKA.bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactions", "k", "committed-1"));
            producer.send(new ProducerRecord<>("transactions", "k", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactions", "k", "aborted-1"));
            producer.send(new ProducerRecord<>("transactions", "k", "aborted-2"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactions", "k", "committed-3"));
            producer.commitTransaction();
        }

        assertThat(readAll(KAFKA.bootstrapServers(), "transactions"))
                .containsExactly("committed-1", "committed-2", "committed-3");
    }

    @Test
    void restartOnTheSameDirectoryKeepsTheData(@TempDir Path dir) {
        Path data = dir.resolve("kafka");
        try (KafkaBroker broker = KafkaBroker.builder().dataDirectory(data).build().start()) {
            broker.createTopic("durable", 1);
            try (KafkaProducer<String, String> producer = transactionalProducer(broker.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("durable", "k", "before-restart"));
                producer.commitTransaction();
            }
        }
        assertThat(Files.exists(data.resolve("meta.properties"))).isTrue();

        try (KafkaBroker broker = KafkaBroker.builder().dataDirectory(data).build().start()) {
            assertThat(readAll(broker.bootstrapServers(), "durable")).containsExactly("before-restart");
        }
        assertThat(Files.exists(data)).as("a caller's directory is kept").isTrue();
    }

    @Test
    void failsClearlyWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
            KafkaBroker broker = KafkaBroker.builder().port(taken.getLocalPort()).build();
            assertThatThrownBy(broker::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " is already in use");
            broker.close();
            assertThat(broker.dataDirectory()).as("a temporary directory is deleted").doesNotExist();
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kafka-broker-test-" + System.nanoTime());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Reads a single-partition topic from the start up to its last stable offset. */
    private static List<String> readAll(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // For read_committed consumers endOffsets is the last stable offset: past it nothing is visible yet.
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            assertThat(consumer.position(partition)).as("read up to the end of " + topic).isEqualTo(end);
        }
        return values;
    }
}
