package io.trendstream.gateway.query;

import io.trendstream.events.DeadLetter;
import io.trendstream.gateway.live.CommittedTopicReader;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SchemaRegistrySettings;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * Counts the dead letters in the dead-letter topic, in all and by reason.
 *
 * <p>Why not end offset minus start offset: the job writes dead letters in Kafka transactions, so a partition's
 * offsets also hold one commit marker per transaction and the records of aborted transactions (a failover aborts
 * the open one). Offsets would overcount. So a {@code read_committed} reader reads the topic from its earliest
 * retained record and keeps counting as letters arrive, each by its reason (a record that is not a readable
 * DeadLetter counts under {@value #UNREADABLE}).
 *
 * <p>A count answers for everything committed before it was asked: {@link #countCommittedBefore} waits until the
 * reader has read up to last stable offsets fetched after the request arrived. It counts what the topic held when
 * the gateway started (retention may have deleted older letters) and every letter committed since.
 */
public final class DeadLetterCounter implements AutoCloseable {

    /** The reason a record that is not a readable DeadLetter is counted under. */
    public static final String UNREADABLE = "UNREADABLE";

    private final String topic;
    private final CommittedTopicReader<DeadLetter> reader;
    private final Map<String, Long> byReason = new TreeMap<>(); // reader thread only
    private long total; // reader thread only

    private final Object lock = new Object();
    private Count latest; // guarded by lock

    /** Every dead letter committed before {@code asOf}. */
    public record Count(String topic, long total, Map<String, Long> byReason, Instant asOf) {
        public Count {
            byReason = Map.copyOf(byReason);
        }
    }

    public DeadLetterCounter(String bootstrapServers, String topic, SchemaRegistrySettings registry) {
        this.topic = topic;
        this.reader = new CommittedTopicReader<>(bootstrapServers, topic, CommittedTopicReader.Start.EARLIEST,
                ConfluentAvro.forSpecificDeserialization(DeadLetter.class, registry),
                new CommittedTopicReader.Listener<>() {
                    @Override
                    public void onRecords(List<DeadLetter> letters) {
                        for (DeadLetter letter : letters) {
                            byReason.merge(letter == null ? UNREADABLE : String.valueOf(letter.getReason()), 1L,
                                    Long::sum);
                        }
                        total += letters.size();
                    }

                    @Override
                    public void onCaughtUp(Instant moment) {
                        publish(new Count(topic, total, byReason, moment));
                    }
                });
    }

    /**
     * The count of every dead letter committed before this call.
     *
     * @throws TimeoutException when the topic cannot be read up to now within {@code timeout} (Kafka down)
     */
    public Count countCommittedBefore(Duration timeout) throws TimeoutException, InterruptedException {
        Instant asked = Instant.now();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (latest == null || latest.asOf().isBefore(asked)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("Could not read the dead-letter topic '" + topic + "' up to now within "
                            + timeout.toMillis() + " ms: is Kafka reachable?");
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return latest;
        }
    }

    private void publish(Count count) {
        synchronized (lock) {
            latest = count;
            lock.notifyAll();
        }
    }

    @Override
    public void close() throws InterruptedException {
        reader.close();
    }
}
