package io.trendstream.gateway.live;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads one topic's committed records ({@code read_committed}: nothing of an aborted or open transaction) on a
 * thread of its own, decodes them and hands them over in batches, without a consumer group: all partitions are
 * assigned, partitions added later are picked up, and no offset is committed (the gateway keeps no position
 * across restarts).
 *
 * <p>A record that cannot be decoded is handed over as {@code null}; an unreachable schema registry is not the
 * record's fault, so its batch is read again once the registry answers. After each batch the reader fetches the
 * last stable offsets and, once it has read up to them, reports the moment of that fetch: everything committed
 * before it has been handed over.
 */
public final class CommittedTopicReader<T> implements AutoCloseable {

    /** Where a reader starts on the partitions it finds. */
    public enum Start { EARLIEST, LATEST }

    /** What the reader hands over; called on the reader's thread. */
    public interface Listener<T> {
        /** Decoded records in offset order per partition; {@code null} for one that is not a readable record. */
        void onRecords(List<T> records);

        /** Everything committed before {@code moment} has been passed to {@link #onRecords}. */
        default void onCaughtUp(Instant moment) {}
    }

    private static final Logger LOG = LoggerFactory.getLogger(CommittedTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final String topic;
    private final Start start;
    private final DeserializationSchema<T> decoder;
    private final Listener<T> listener;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public CommittedTopicReader(String bootstrapServers, String topic, Start start, DeserializationSchema<T> decoder,
            Listener<T> listener) {
        this.topic = topic;
        this.start = start;
        this.decoder = decoder;
        this.listener = listener;
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "trendstream-gateway-" + topic);
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "read-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Set<TopicPartition> assigned = Set.of();
        long nextRefresh = 0;
        while (running) {
            try {
                if (System.nanoTime() >= nextRefresh) {
                    assigned = assignNewPartitions(assigned);
                    nextRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                List<T> decoded = new ArrayList<>(records.count());
                try {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        decoded.add(decode(record.value()));
                    }
                } catch (IOException registryUnavailable) {
                    for (TopicPartition partition : records.partitions()) {
                        consumer.seek(partition, records.records(partition).get(0).offset());
                    }
                    LOG.warn("Cannot decode records of '{}' (schema registry), reading them again: {}", topic,
                            registryUnavailable.toString());
                    pause(RETRY);
                    continue;
                }
                if (!decoded.isEmpty()) {
                    listener.onRecords(decoded);
                }
                Instant fetched = Instant.now();
                Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
                if (!assigned.isEmpty()
                        && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    listener.onCaughtUp(fetched);
                }
            } catch (WakeupException e) {
                // close() woke the thread up
            } catch (RuntimeException e) {
                LOG.warn("Reading '{}' failed, retrying: {}", topic, e.toString());
                pause(RETRY);
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private Set<TopicPartition> assignNewPartitions(Set<TopicPartition> assigned) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        Set<TopicPartition> all = new HashSet<>();
        for (PartitionInfo partition : partitions == null ? List.<PartitionInfo>of() : partitions) {
            all.add(new TopicPartition(topic, partition.partition()));
        }
        if (all.equals(assigned)) {
            return assigned;
        }
        Set<TopicPartition> added = new HashSet<>(all);
        added.removeAll(assigned);
        consumer.assign(all);
        if (start == Start.EARLIEST || !assigned.isEmpty()) {
            consumer.seekToBeginning(added); // a partition added while running: all of it is new
        } else {
            consumer.seekToEnd(added);
        }
        added.forEach(consumer::position); // resolve now, so "caught up" means "from here"
        return Set.copyOf(all);
    }

    private T decode(byte[] value) throws IOException {
        if (value == null) {
            return null;
        }
        try {
            return decoder.deserialize(value);
        } catch (io.trendstream.serialization.DecodingException e) {
            return null;
        } catch (IOException e) {
            throw e; // the registry could not be asked
        } catch (RuntimeException e) {
            return null; // Avro's own failures on corrupt bytes
        }
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
