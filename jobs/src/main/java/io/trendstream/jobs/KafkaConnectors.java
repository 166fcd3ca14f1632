package io.trendstream.jobs;

import io.trendstream.config.PipelineConfig;
import io.trendstream.config.PipelineOptions;
import io.trendstream.events.DeadLetter;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.events.Product;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.WindowStats;
import io.trendstream.functions.CatalogDeserializer;
import io.trendstream.functions.EventRules;
import io.trendstream.functions.IngestingDeserializer;
import io.trendstream.functions.OrderEventRules;
import io.trendstream.functions.ProductViewRules;
import io.trendstream.records.CatalogChange;
import io.trendstream.records.Ingested;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.serialization.SizeBoundedDeadLetterSerializer;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaPartitioner;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import static io.trendstream.config.PipelineOptions.*;

/** The job's Kafka sources and exactly-once Kafka sinks, built from the pipeline configuration. */
public final class KafkaConnectors {

    /**
     * The largest dead letter, as the producer measures it against {@code max.request.size} (set to this on the
     * dead-letter sink): Kafka's default, under the broker's default {@code max.message.bytes} of 1,048,588. A dead
     * letter that would be larger keeps only the beginning of the original payload and says so
     * ({@link SizeBoundedDeadLetterSerializer}). A dead-letter topic configured smaller needs this lowered.
     */
    public static final int DEAD_LETTER_MAX_RECORD_BYTES = 1_048_576;

    private final PipelineConfig config;
    private final SchemaRegistrySettings registry;

    public KafkaConnectors(PipelineConfig config) {
        this.config = config;
        this.registry = registrySettings(config);
    }

    public static SchemaRegistrySettings registrySettings(PipelineConfig config) {
        SchemaRegistrySettings.Builder builder = SchemaRegistrySettings.builder(config.get(SCHEMA_REGISTRY_URL));
        if (config.get(SCHEMA_REGISTRY_USER_INFO) != null) {
            builder.basicAuthUserInfo(config.get(SCHEMA_REGISTRY_USER_INFO));
        }
        if (config.get(SCHEMA_REGISTRY_TRUSTSTORE) != null) {
            builder.trustStore(config.get(SCHEMA_REGISTRY_TRUSTSTORE), config.get(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD), "PKCS12");
        }
        return builder.build();
    }

    public KafkaSource<Ingested<OrderEvent>> orders() {
        return source(config.get(ORDERS_TOPIC), OrderEvent.class, new OrderEventRules(config.get(MAX_FUTURE_SKEW)));
    }

    public KafkaSource<Ingested<ProductView>> views() {
        return source(config.get(VIEWS_TOPIC), ProductView.class, new ProductViewRules(config.get(MAX_FUTURE_SKEW)));
    }

    /**
     * The catalog, always from the beginning of the compacted topic when the job starts without state (the catalog
     * is the topic's whole content, whatever the group committed), and from the checkpointed offsets on a restore,
     * where the broadcast state holds everything before them: the changes since are read and applied, so the state
     * converges to the topic.
     */
    public KafkaSource<Ingested<CatalogChange>> products() {
        return source(config.get(PRODUCTS_TOPIC), OffsetsInitializer.earliest(), new CatalogDeserializer(
                ConfluentAvro.forSpecificDeserialization(Product.class, registry), Clock.systemUTC()));
    }

    private <T extends SpecificRecordBase> KafkaSource<Ingested<T>> source(String topic, Class<T> type, EventRules<T> rules) {
        OffsetResetStrategy reset = config.get(OFFSET_RESET) == PipelineOptions.OffsetReset.LATEST
                ? OffsetResetStrategy.LATEST : OffsetResetStrategy.EARLIEST;
        return source(topic, OffsetsInitializer.committedOffsets(reset), new IngestingDeserializer<>(
                ConfluentAvro.forSpecificDeserialization(type, registry), rules, Ingested.typeInfo(type), Clock.systemUTC()));
    }

    private <T> KafkaSource<T> source(String topic, OffsetsInitializer start, KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(config.get(KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(topic)
                .setGroupId(config.get(CONSUMER_GROUP))
                .setStartingOffsets(start)
                .setDeserializer(deserializer)
                // Only what producers committed: aborted transactions never count.
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty("partition.discovery.interval.ms",
                        String.valueOf(config.get(PARTITION_DISCOVERY_INTERVAL).toMillis()))
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty(ConsumerConfig.CLIENT_ID_CONFIG, config.get(CONSUMER_GROUP) + "-" + topic)
                .build();
    }

    public KafkaSink<TrendAlert> alerts() {
        String topic = config.get(ALERTS_TOPIC);
        return sink("alerts", KafkaRecordSerializationSchema.<TrendAlert>builder()
                .setTopic(topic)
                .setKeySerializationSchema((SerializationSchema<TrendAlert>) alert -> alert.getProductId().getBytes(StandardCharsets.UTF_8))
                .setValueSerializationSchema(ConfluentAvro.forSpecificSerialization(
                        TrendAlert.class, ConfluentAvro.topicValueSubject(topic), registry))
                .build())
                .build();
    }

    /**
     * Every window firing, keyed {@code <product>@<window start>} so that compaction keeps each product window's latest
     * revision, and partitioned by product (as Kafka's default partitioner would the product id as key), so that one
     * consumer sees all windows of a product, in order.
     */
    public KafkaSink<WindowStats> windowStats() {
        String topic = config.get(WINDOW_STATS_TOPIC);
        return sink("window-stats", KafkaRecordSerializationSchema.<WindowStats>builder()
                .setTopic(topic)
                .setKeySerializationSchema((SerializationSchema<WindowStats>) stats -> windowStatsKey(stats).getBytes(StandardCharsets.UTF_8))
                .setPartitioner(BY_PRODUCT)
                .setValueSerializationSchema(ConfluentAvro.forSpecificSerialization(
                        WindowStats.class, ConfluentAvro.topicValueSubject(topic), registry))
                .build())
                .build();
    }

    /** The key of a window's records on the window-stats topic: {@code p3@2026-11-30T12:05:00Z}. */
    public static String windowStatsKey(WindowStats stats) {
        return stats.getProductId() + "@" + stats.getWindowStart();
    }

    private static final KafkaPartitioner<WindowStats> BY_PRODUCT = (stats, key, value, topic, partitions) ->
            partitions[Utils.toPositive(Utils.murmur2(stats.getProductId().getBytes(StandardCharsets.UTF_8))) % partitions.length];

    public KafkaSink<DeadLetter> deadLetters() {
        String topic = config.get(DEAD_LETTER_TOPIC);
        return sink("dead-letters", new SizeBoundedDeadLetterSerializer(topic,
                        ConfluentAvro.forSpecificSerialization(DeadLetter.class, ConfluentAvro.topicValueSubject(topic), registry),
                        DEAD_LETTER_MAX_RECORD_BYTES))
                .setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(DEAD_LETTER_MAX_RECORD_BYTES))
                .build();
    }

    private <T> KafkaSinkBuilder<T> sink(String idSuffix, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(TRANSACTIONAL_ID_PREFIX) + "-" + idSuffix)
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(config.get(KAFKA_TRANSACTION_TIMEOUT).toMillis()));
    }
}
