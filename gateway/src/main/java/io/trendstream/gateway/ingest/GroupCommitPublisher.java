package io.trendstream.gateway.ingest;

import io.trendstream.gateway.GatewayMetrics;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the records of many requests to Kafka in one transaction (group commit) and completes each request's future
 * only when that transaction is committed: a 202 means committed, read_committed consumers (the job) see it.
 *
 * <p>A small fixed pool of transactional, idempotent producers ({@code producers}, each with its own transactional id
 * {@code <transactionalId>-<n>} and its own thread) take turns: the one holding the gathering turn takes the requests
 * waiting in the queue (up to {@code maxEvents} records, waiting at most {@code linger} after the first for more),
 * then hands the turn on and sends and commits them, while the next one gathers the requests that arrive meanwhile.
 * One producer alone has one open transaction at a time, and a commit (the broker writing its markers) takes longer
 * than gathering: with several, a transaction's commit overlaps the next one's gathering and sending. Each request is
 * answered only when its own transaction is committed; requests of different transactions are not ordered.
 *
 * <p>On any failure a transaction is aborted, its requests fail (503), and its producer is replaced: a new one with
 * the same transactional id fences the old one and aborts whatever it left open on the broker, so nothing of a failed
 * transaction becomes visible. While no producer can connect, requests fail at once with the reason instead of
 * waiting; each producer's thread retries every {@value #RETRY_MILLIS} ms.
 *
 * <p>A request whose commit outcome is unknown (the commit timed out) fails too; its records may have been committed.
 * Clients retry with the same event ids (an {@code Idempotency-Key}), which the job counts once.
 */
public final class GroupCommitPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitPublisher.class);
    private static final long RETRY_MILLIS = 1_000;
    /** How long the producer waits for an unreachable broker before it gives up on a call. */
    private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(5);

    /** Records of one request, and its answer. */
    private record Submission(List<ProducerRecord<byte[], byte[]>> records, CompletableFuture<Void> committed) {}

    private final int maxEvents;
    private final long lingerNanos;
    private final GatewayMetrics metrics;
    private final LinkedBlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    /** Held by the producer that gathers the next transaction; the others send or commit theirs meanwhile. */
    private final ReentrantLock gatheringTurn = new ReentrantLock();
    private final List<TransactionalProducer> producers = new ArrayList<>();
    /** Null while Kafka takes transactions; otherwise why not, for requests and the readiness check. */
    private final AtomicReference<String> unavailable = new AtomicReference<>("still connecting (initialising its transactions)");
    /** True while no producer could be connected: requests are answered at once instead of queued. */
    private volatile boolean failingFast;
    private volatile boolean running = true;
    /** Producers ready for transactions; guarded by {@code this}. */
    private int connected;

    public GroupCommitPublisher(String bootstrapServers, String transactionalId, int producerCount, int maxEvents,
                                Duration linger, GatewayMetrics metrics) {
        this.maxEvents = maxEvents;
        this.lingerNanos = linger.toNanos();
        this.metrics = metrics;
        for (String id : transactionalIds(transactionalId, producerCount)) {
            producers.add(new TransactionalProducer(producerConfig(bootstrapServers, id)));
        }
        producers.forEach(TransactionalProducer::start);
    }

    /** The pool's transactional ids: the configured one with the producer's number appended. */
    static List<String> transactionalIds(String transactionalId, int producerCount) {
        List<String> ids = new ArrayList<>(producerCount);
        for (int i = 0; i < producerCount; i++) {
            ids.add(transactionalId + "-" + i);
        }
        return ids;
    }

    static Map<String, Object> producerConfig(String bootstrapServers, String transactionalId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Uncompressed, so that every client can read the topics: kafkajs (Confluent's Node client) reads no lz4, snappy
        // or zstd without extra codecs (ConfluentNodeClientGatewayITCase failed on lz4), and CPU, not the network, is
        // what ingest runs short of.
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // Each transaction is flushed before its commit: no need to linger in the producer as well.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        // Right after a commit the broker answers CONCURRENT_TRANSACTIONS until its markers are written; the default
        // back-off of 100 ms would stall every next transaction (as in the generator).
        config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        config.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) BLOCK_TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) BLOCK_TIMEOUT.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) BLOCK_TIMEOUT.multipliedBy(2).toMillis());
        // An abandoned transaction (a killed gateway) holds back read_committed readers until it times out.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        return config;
    }

    /**
     * Commits these records in a transaction; the future completes when it is committed, or fails with an
     * {@link IngestException} (503) saying why not.
     */
    public CompletableFuture<Void> publish(List<ProducerRecord<byte[], byte[]>> records) {
        if (failingFast) {
            return CompletableFuture.failedFuture(kafkaUnavailable(unavailable.get()));
        }
        CompletableFuture<Void> committed = new CompletableFuture<>();
        if (!running) {
            committed.completeExceptionally(IngestException.unavailable("shutting_down", "The gateway is shutting down"));
            return committed;
        }
        queue.add(new Submission(records, committed));
        return committed;
    }

    /** Null when Kafka takes transactions; otherwise what is wrong. */
    public String unavailableReason() {
        return unavailable.get();
    }

    /** A producer is ready for transactions: requests are queued again. */
    private synchronized void producerConnected() {
        connected++;
        failingFast = false;
        unavailable.set(null);
    }

    private synchronized void producerLost() {
        connected--;
    }

    /** A producer could not connect: while no other one is ready, Kafka is unavailable and requests fail at once. */
    private synchronized void connectFailed(String reason) {
        if (connected > 0) {
            return;
        }
        failingFast = true;
        if (!reason.equals(unavailable.getAndSet(reason))) {
            LOG.warn("Kafka is unavailable: {}", reason);
        }
        failQueued(reason);
    }

    private void failQueued(String reason) {
        Submission submission;
        while ((submission = queue.poll()) != null) {
            submission.committed.completeExceptionally(kafkaUnavailable(reason));
        }
    }

    private static IngestException kafkaUnavailable(String reason) {
        return IngestException.unavailable("kafka_unavailable", "Kafka is unavailable (" + reason + "): the request was not"
                + " acknowledged; retry it with the same Idempotency-Key or event ids");
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (TransactionalProducer producer : producers) {
            producer.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        failQueued("the gateway is shutting down");
    }

    /** One producer of the pool and the thread that owns it: gathers in its turn, sends, commits, answers. */
    private final class TransactionalProducer {

        private final Map<String, Object> config;
        private final String transactionalId;
        private final Thread thread;
        private KafkaProducer<byte[], byte[]> producer;

        TransactionalProducer(Map<String, Object> config) {
            this.config = config;
            this.transactionalId = (String) config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
            this.thread = new Thread(this::run, "gateway-group-commit-" + transactionalId);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            while (running) {
                try {
                    if (producer == null && !connect()) {
                        Thread.sleep(RETRY_MILLIS);
                        continue;
                    }
                    List<Submission> batch = gatherInTurn();
                    if (!batch.isEmpty()) {
                        commit(batch);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (RuntimeException e) {
                    LOG.error("Unexpected failure in the group commit loop of {}", transactionalId, e);
                }
            }
            closeProducer();
        }

        /** The next transaction's requests (none when nothing arrived for a while), gathered in this producer's turn. */
        private List<Submission> gatherInTurn() throws InterruptedException {
            gatheringTurn.lockInterruptibly();
            try {
                Submission first = queue.poll(100, TimeUnit.MILLISECONDS);
                return first == null ? List.of() : gather(first);
            } finally {
                gatheringTurn.unlock();
            }
        }

        private List<Submission> gather(Submission first) throws InterruptedException {
            List<Submission> batch = new ArrayList<>();
            batch.add(first);
            int events = first.records.size();
            long deadline = System.nanoTime() + lingerNanos;
            while (events < maxEvents) {
                Submission next = queue.poll();
                if (next == null) {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0 || (next = queue.poll(wait, TimeUnit.NANOSECONDS)) == null) {
                        break;
                    }
                }
                batch.add(next);
                events += next.records.size();
            }
            return batch;
        }

        private void commit(List<Submission> batch) {
            int events = 0;
            long started = System.nanoTime();
            try {
                producer.beginTransaction();
                List<Future<?>> sent = new ArrayList<>();
                for (Submission submission : batch) {
                    for (ProducerRecord<byte[], byte[]> record : submission.records) {
                        sent.add(producer.send(record));
                        events++;
                    }
                }
                producer.flush();
                for (Future<?> ack : sent) {
                    ack.get(); // after flush all are done; this surfaces a failed send
                }
                long produced = System.nanoTime();
                metrics.produced(produced - started);
                producer.commitTransaction();
                metrics.committed(transactionalId, events, System.nanoTime() - produced);
            } catch (Exception e) {
                String reason = describe(e);
                LOG.warn("Kafka transaction of {} events ({}) failed, answering its {} requests 503: {}", events,
                        transactionalId, batch.size(), reason);
                abortAndReplaceProducer();
                unavailable.compareAndSet(null, reason);
                for (Submission submission : batch) {
                    submission.committed.completeExceptionally(kafkaUnavailable(reason));
                }
                return;
            }
            unavailable.set(null);
            for (Submission submission : batch) {
                submission.committed.complete(null);
            }
        }

        private boolean connect() {
            KafkaProducer<byte[], byte[]> candidate = null;
            try {
                candidate = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
                candidate.initTransactions();
                producer = candidate;
                producerConnected();
                LOG.info("Kafka producer {} ready for transactions", transactionalId);
                return true;
            } catch (Exception e) {
                if (candidate != null) {
                    candidate.close(Duration.ZERO);
                }
                connectFailed(describe(e));
                return false;
            }
        }

        private void abortAndReplaceProducer() {
            try {
                producer.abortTransaction();
            } catch (Exception e) {
                // The replacement's initTransactions aborts it on the broker.
            }
            closeProducer();
        }

        private void closeProducer() {
            if (producer != null) {
                producer.close(Duration.ZERO);
                producer = null;
                producerLost();
            }
        }
    }
}
