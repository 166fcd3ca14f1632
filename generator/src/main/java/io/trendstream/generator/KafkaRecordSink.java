package io.trendstream.generator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes to Kafka exactly once: an idempotent, transactional producer whose transaction id is unique to the run;
 * each {@link #commit()} commits one transaction, so read_committed consumers see whole commit intervals or nothing.
 * Tuned for throughput: acks=all, lz4, large batches with a short linger.
 */
final class KafkaRecordSink implements RecordSink {

    /** How long a commit is retried while the broker does not answer (e.g. while it restarts). */
    private static final Duration COMMIT_PATIENCE = Duration.ofMinutes(2);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String transactionalId;
    private boolean inTransaction;

    KafkaRecordSink(String bootstrapServers, String transactionalId) {
        this.transactionalId = transactionalId;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        // Right after a commit the broker answers CONCURRENT_TRANSACTIONS until its commit markers are written; the
        // default 100 ms back-off then stalls every transaction. Retry sooner.
        config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        config.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
        // Unreachable brokers should fail the run within seconds, not the default minute.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
        // A killed generator leaves its open transaction behind, and read_committed readers (the job) wait for it
        // to time out: keep that short. A transaction lasts at most a second or 10,000 records.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofSeconds(60).toMillis());
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw new GeneratorException("Could not start a Kafka transaction on " + bootstrapServers + " (" + e.getMessage()
                    + "): check that the broker runs, that its transaction state log can be written (a single broker"
                    + " needs transaction.state.log.replication.factor=1) and that this client may use transactional ids", e);
        }
    }

    @Override
    public void send(String topic, byte[] key, byte[] value) {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
        // No timestamp: the broker's time, so that retention never deletes a run whose event time lies in the past.
        producer.send(new ProducerRecord<>(topic, null, null, key, value));
    }

    @Override
    public void commit() {
        if (!inTransaction) {
            return;
        }
        // A commit that times out (a broker restarting) may be retried, and completes once the broker is back; the
        // broker aborts the transaction itself after its timeout (60 s), which then fails the retry.
        long deadline = System.nanoTime() + COMMIT_PATIENCE.toNanos();
        while (true) {
            try {
                producer.commitTransaction();
                break;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new GeneratorException("Kafka did not commit transaction " + transactionalId + " within "
                            + COMMIT_PATIENCE.toSeconds() + " s: " + e.getMessage(), e);
                }
            } catch (KafkaException e) {
                throw new GeneratorException("Kafka refused to commit transaction " + transactionalId + ": " + e.getMessage(), e);
            }
        }
        inTransaction = false;
    }

    @Override
    public void close() {
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (KafkaException e) {
            // closing anyway; the transaction times out on the broker
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
    }

    @Override
    public String toString() {
        return "KafkaRecordSink{transactionalId=" + transactionalId + "}";
    }
}
