package io.trendstream.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The trend alerts the job committed to Kafka (read_committed), each by what identifies it: product, metric and window.
 * The job writes them exactly once, so no identity may appear twice, however often the job restarted.
 */
final class TrendAlertsTopic {

    /** What identifies an alert: the first fields of TrendAlert's Avro record (productId, windowStart, windowEnd, metric). */
    record AlertKey(String productId, String metric, Instant windowStart) {}

    private static final String[] METRICS = {"REVENUE", "VIEWS"}; // TrendMetric's symbols, in order

    private TrendAlertsTopic() {}

    static List<AlertKey> read(String bootstrapServers) {
        List<AlertKey> alerts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("trend-alerts").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("trend-alerts not read to its end " + end + " within a minute");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    alerts.add(keyOf(record.value()));
                }
            }
        }
        return alerts;
    }

    /** Decodes the identifying fields from Confluent's wire format (magic byte, 4-byte schema id, Avro binary). */
    static AlertKey keyOf(byte[] value) {
        ByteBuffer avro = ByteBuffer.wrap(value, 5, value.length - 5);
        byte[] product = new byte[(int) readLong(avro)];
        avro.get(product);
        long windowStart = readLong(avro);
        readLong(avro); // windowEnd
        String metric = METRICS[(int) readLong(avro)];
        return new AlertKey(new String(product, StandardCharsets.UTF_8), metric, Instant.ofEpochMilli(windowStart));
    }

    /** Avro's zig-zag varint. */
    private static long readLong(ByteBuffer in) {
        long raw = 0;
        int shift = 0;
        byte b;
        do {
            b = in.get();
            raw |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return (raw >>> 1) ^ -(raw & 1);
    }
}
