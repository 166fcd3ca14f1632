package io.trendstream.jobs;

import io.trendstream.config.PipelineConfig;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.sink.DatabasePreflight;

import org.apache.flink.configuration.IllegalConfigurationException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static io.trendstream.config.PipelineOptions.*;

/**
 * Asks every dependency whether it can serve the job before the job is submitted, so that a wrong
 * address or a missing topic is one clear message instead of a restart loop on the cluster.
 */
public final class DependencyPreflight {
    private static final int TIMEOUT_SECONDS = 15;

    private DependencyPreflight() {}

    public static void check(PipelineConfig config) {
        checkKafka(config);
        checkRegistry(config);
        DatabasePreflight.check(TrendPipelineJob.jdbcConnection(config));
    }

    static void checkKafka(PipelineConfig config) {
        String servers = config.get(KAFKA_BOOTSTRAP_SERVERS);
        List<String> topics = List.of(config.get(ORDERS_TOPIC), config.get(VIEWS_TOPIC), config.get(ALERTS_TOPIC),
                config.get(DEAD_LETTER_TOPIC), config.get(PRODUCTS_TOPIC), config.get(WINDOW_STATS_TOPIC));
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000))) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Set<String> missing = new TreeSet<>(topics);
            missing.removeAll(existing);
            if (!missing.isEmpty()) {
                throw new IllegalConfigurationException("Kafka at " + servers + " has no topic(s) " + missing
                        + ". Create them (bin/pipeline and docker-compose do), or set kafka.topic.* to the topics to use.");
            }
            checkDeadLetterTopicHoldsTheLargestDeadLetter(admin, config.get(DEAD_LETTER_TOPIC));
            checkCatalogTopicIsCompacted(admin, config.get(PRODUCTS_TOPIC));
        } catch (IllegalConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalConfigurationException("Cannot reach Kafka at " + servers + " within " + TIMEOUT_SECONDS
                    + " s: check kafka.bootstrap-servers and that the brokers are running and reachable from here.", e);
        }
    }

    /**
     * A dead letter may take {@link KafkaConnectors#DEAD_LETTER_MAX_RECORD_BYTES}; a dead-letter topic whose
     * {@code max.message.bytes} is smaller would refuse it, and the job would restart on that record forever.
     */
    private static void checkDeadLetterTopicHoldsTheLargestDeadLetter(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry limit = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (limit != null && limit.value() != null
                && Long.parseLong(limit.value()) < KafkaConnectors.DEAD_LETTER_MAX_RECORD_BYTES) {
            throw new IllegalConfigurationException("The dead-letter topic " + topic + " (kafka.topic.dead-letters) "
                    + "accepts records of at most " + limit.value() + " bytes (max.message.bytes), less than the "
                    + KafkaConnectors.DEAD_LETTER_MAX_RECORD_BYTES + " a dead letter may take: set its max.message.bytes "
                    + "to at least " + KafkaConnectors.DEAD_LETTER_MAX_RECORD_BYTES + ".");
        }
    }

    /**
     * The job reads the whole catalog topic when it starts without state: with deletion by retention instead of
     * compaction, products written longer ago than the retention would be missing from the catalog for ever.
     */
    private static void checkCatalogTopicIsCompacted(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry policy = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || policy.value() == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalConfigurationException("The catalog topic " + topic + " (kafka.topic.products) has cleanup.policy="
                    + (policy == null ? "delete" : policy.value()) + ": it must be compacted (cleanup.policy=compact), or"
                    + " products older than its retention drop out of the catalog.");
        }
    }

    static void checkRegistry(PipelineConfig config) {
        String url = config.get(SCHEMA_REGISTRY_URL);
        try {
            new SchemaRegistryClient(KafkaConnectors.registrySettings(config)).getSubjects();
        } catch (Exception e) {
            throw new IllegalConfigurationException("Cannot reach the schema registry at " + url + ": " + e.getMessage()
                    + ". Check schema-registry.url, that the registry is running, and its credentials"
                    + " (TRENDSTREAM_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO).", e);
        }
    }
}
