package io.trendstream.gateway;

import io.trendstream.serialization.ConfluentSchemaCoder;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.serialization.SchemaRegistrySettings;

import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What a topic holds for read_committed readers (as the job reads it), decoded from Confluent's wire format with the
 * writer schema the registry has for each record's id.
 */
public final class CommittedTopic {

    private CommittedTopic() {}

    /** Every committed record of {@code topic}, in partition order, decoded as {@code type}. */
    public static <T extends SpecificRecord> List<T> read(String bootstrapServers, String registryUrl, String topic,
                                                          Class<T> type, Schema readerSchema) {
        SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.builder(registryUrl).build());
        ConfluentSchemaCoder coder = new ConfluentSchemaCoder(client, null, false, readerSchema);
        List<T> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records(bootstrapServers, topic)) {
            ByteArrayInputStream in = new ByteArrayInputStream(record.value());
            try {
                Schema writer = coder.readSchema(in);
                SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, readerSchema);
                events.add(reader.read(null, DecoderFactory.get().binaryDecoder(in, null)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }

    /**
     * The raw committed records, up to each partition's end at the time of the call. The end is the last offset
     * written (read_uncommitted), not the last stable one: a producer's commit returns before the broker has written
     * the commit markers, so a transaction just acknowledged may not be stable yet; reading waits until it is.
     */
    public static List<ConsumerRecord<byte[], byte[]>> records(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<byte[], byte[]> written =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            ends = written.endOffsets(written.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList(), Duration.ofSeconds(30));
        }
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.copyOf(ends.keySet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " up to " + ends + " within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
