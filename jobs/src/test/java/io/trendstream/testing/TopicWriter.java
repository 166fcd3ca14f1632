package io.trendstream.testing;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.UUID;

/** Writes raw records to Kafka in transactions, the way an exactly-once producer does. */
public final class TopicWriter implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    public TopicWriter(String bootstrapServers) {
        this(bootstrapServers, Map.of());
    }

    /** With more producer settings, e.g. a larger {@code max.request.size}, so that only the broker limits records. */
    public TopicWriter(String bootstrapServers, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-writer-" + UUID.randomUUID(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5));
        config.putAll(settings);
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    /** A record for an explicit partition, with no timestamp of its own. */
    public static ProducerRecord<byte[], byte[]> record(String topic, int partition, byte[] key, byte[] value) {
        return new ProducerRecord<>(topic, partition, (Long) null, key, value);
    }

    /** Sends the records in one committed transaction; returns where each landed, in order. */
    public List<RecordMetadata> commit(Iterable<ProducerRecord<byte[], byte[]>> records) {
        producer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        records.forEach(record -> sent.add(producer.send(record)));
        producer.commitTransaction();
        List<RecordMetadata> landed = new ArrayList<>();
        for (Future<RecordMetadata> future : sent) {
            try {
                landed.add(future.get());
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("A committed send failed", e);
            }
        }
        return landed;
    }

    /** Sends the records in a transaction that is then aborted: read_committed readers never see them. */
    public void abort(Iterable<ProducerRecord<byte[], byte[]>> records) {
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.flush();
        producer.abortTransaction();
    }

    @Override
    public void close() {
        producer.close();
    }
}
