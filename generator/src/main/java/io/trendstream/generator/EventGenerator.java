package io.trendstream.generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import io.trendstream.events.OrderEvent;
import io.trendstream.events.Product;
import io.trendstream.events.ProductView;
import io.trendstream.records.ActivityKind;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.serialization.SchemaRegistrySettings;

/**
 * Writes seeded OrderEvent and ProductView traffic in Confluent's wire format, with the faults a real stream has,
 * and returns a {@link Manifest} of what the job must make of it.
 *
 * <p>The run is a sequence of event <em>slots</em> ({@code count}, or {@code duration} times the event rate). Slot
 * {@code i} has event time {@code start + i / eventRate}: with a rate limit the slots are also paced at that rate on
 * the wall clock; unlimited, event time still advances at {@code eventsPerSecondOfEventTime} per slot, so that
 * windows fill evenly. A slot holds a normal event, or (drawn from a separate random stream, so the normal traffic
 * is the same whatever the fault shares) a late event, a malformed record or a duplicate. Spikes add copies on top
 * of a slot's event, at the same event time. So within each partition records are in event-time order, except the
 * late ones.
 *
 * <pre>{@code
 * Manifest manifest = EventGenerator.builder()
 *         .bootstrapServers("localhost:9092")
 *         .registry(SchemaRegistrySettings.builder("http://localhost:8085").build())
 *         .rate(0).count(1_000_000)
 *         .build()
 *         .run();
 * }</pre>
 */
public final class EventGenerator {

    /** A schema id no registry issued: Confluent's ids count up from 1. */
    static final int UNKNOWN_SCHEMA_ID = 2_000_000_000;
    /** Late events are at least this far behind the stream, and their whole window is too (see {@link #lateOffset}). */
    static final Duration LATE_BY = Duration.ofHours(1);
    /** How long Kafka may take to answer the check before a run: an unreachable broker fails fast, a busy one not. */
    static final Duration PREFLIGHT_TIMEOUT = Duration.ofSeconds(30);
    /** A hostile value just under Kafka's default topic limit (max.message.bytes 1,048,588 for the whole batch). */
    static final int NEAR_LIMIT_VALUE_BYTES = 1_048_500;
    /** Far beyond any id column's index row (8,191 bytes in PostgreSQL). */
    static final int HUNDRED_KB = 100_000;

    private final String bootstrapServers;
    private final SchemaRegistrySettings registry;
    private final String ordersTopic;
    private final String viewsTopic;
    private final String productsTopic;
    private final Map<String, String> renames;
    private final List<String> removals;
    private final int products;
    private final int users;
    private final long seed;
    private final long rate;
    private final long eventsPerSecondOfEventTime;
    private final long slots;
    private final Duration windowSize;
    private final long startMillis;
    private final double lateShare;
    private final double malformedShare;
    private final double duplicateShare;
    private final double hostileShare;
    private final long lateWarmupEvents;
    private final List<Spike> spikes;
    private final long commitEvery;
    private final Duration commitInterval;
    private final Progress.Listener progress;
    // The one mutable field: set from another thread (e.g. a shutdown hook) to end a run early but cleanly.
    private volatile boolean stopRequested;

    private EventGenerator(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.registry = b.registry;
        this.ordersTopic = b.ordersTopic;
        this.viewsTopic = b.viewsTopic;
        this.productsTopic = b.productsTopic;
        this.renames = Map.copyOf(b.renames);
        this.removals = List.copyOf(b.removals);
        this.products = b.products;
        this.users = b.users;
        this.seed = b.seed;
        this.rate = b.rate;
        this.eventsPerSecondOfEventTime = b.eventsPerSecondOfEventTime;
        this.windowSize = b.windowSize;
        this.slots = b.count != null ? b.count : Math.max(1, b.duration.toMillis() * eventRate() / 1000);
        this.startMillis = b.startTime != null ? b.startTime.toEpochMilli() : b.clock.millis() - spanMillis();
        this.lateShare = b.lateShare;
        this.malformedShare = b.malformedShare;
        this.duplicateShare = b.duplicateShare;
        this.hostileShare = b.hostileShare;
        this.lateWarmupEvents = b.lateWarmupEvents;
        this.spikes = List.copyOf(b.spikes);
        this.commitEvery = b.commitEvery;
        this.commitInterval = b.commitInterval;
        this.progress = b.progress;
    }

    private static final Malformation[] EVERYDAY =
            java.util.Arrays.stream(Malformation.values()).filter(m -> !m.hostile()).toArray(Malformation[]::new);
    private static final Malformation[] HOSTILE =
            java.util.Arrays.stream(Malformation.values()).filter(Malformation::hostile).toArray(Malformation[]::new);

    public static Builder builder() {
        return new Builder();
    }

    /** Event slots per second of event time: the rate limit, or the simulated rate when unlimited. */
    public long eventRate() {
        return rate > 0 ? rate : eventsPerSecondOfEventTime;
    }

    /** How many event slots the run has. */
    public long slots() {
        return slots;
    }

    /** Event time of the first slot. */
    public Instant start() {
        return Instant.ofEpochMilli(startMillis);
    }

    /** Event time the run spans, from the first slot to one slot after the last. */
    public long spanMillis() {
        return slots * 1000 / eventRate();
    }

    long slotTime(long slot) {
        return startMillis + slot * 1000 / eventRate();
    }

    long windowStart(long eventTime) {
        long size = windowSize.toMillis();
        return eventTime - Math.floorMod(eventTime, size);
    }

    /** Index of the window holding the last slot, counted from the first slot's window. */
    public int lastWindowIndex() {
        return Math.toIntExact((windowStart(slotTime(slots - 1)) - windowStart(startMillis)) / windowSize.toMillis());
    }

    /**
     * Checks Kafka and the registry, registers the schemas under {@code <topic>-value}, writes the run with a
     * transactional producer and returns the manifest.
     *
     * @throws GeneratorException if Kafka or the registry cannot be used; the message says what to check
     */
    public Manifest run() {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registry, "registry");
        SchemaIds ids = registerSchemas();
        List<String> topics = new ArrayList<>(List.of(ordersTopic, viewsTopic));
        if (productsTopic != null) {
            topics.add(productsTopic);
        }
        KafkaPreflight.check(bootstrapServers, topics, PREFLIGHT_TIMEOUT);
        String transactionalId = "trendstream-generator-" + UUID.randomUUID();
        try (KafkaRecordSink sink = new KafkaRecordSink(bootstrapServers, transactionalId)) {
            return generate(sink, ids, transactionalId);
        }
    }

    private SchemaIds registerSchemas() {
        SchemaRegistryClient client = new SchemaRegistryClient(registry);
        try {
            int orderId = client.register(valueSubject(ordersTopic), OrderEvent.getClassSchema());
            int viewId = client.register(valueSubject(viewsTopic), ProductView.getClassSchema());
            int productId = productsTopic == null ? 0 : client.register(valueSubject(productsTopic), Product.getClassSchema());
            return new SchemaIds(orderId, viewId, productId);
        } catch (IOException e) {
            // The client's messages name the URL and what to check; never the credentials.
            throw new GeneratorException("Cannot register the event schemas with the schema registry (--schema-registry-url "
                    + registry.url() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Ends a run after the current slot: what was sent is committed and the manifest describes it (parameter
     * {@code complete} false). For Ctrl-C: an aborted or abandoned transaction would hold read_committed consumers
     * back until it times out.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Confluent's TopicNameStrategy, as ConfluentAvro.topicValueSubject (not called: that class needs Flink, which the
     * generator's jar leaves out).
     */
    static String valueSubject(String topic) {
        return topic + "-value";
    }

    /** Writes the run to {@code sink} with these schema ids (registered beforehand) and returns the manifest. */
    public Manifest generate(RecordSink sink, SchemaIds ids) {
        return generate(sink, ids, null);
    }

    Manifest generate(RecordSink sink, SchemaIds ids, String transactionalId) {
        return new Run(sink, ids, transactionalId).execute();
    }

    /** The state of one run. */
    private final class Run {
        private final RecordSink sink;
        private final SchemaIds ids;
        private final String transactionalId;
        private final Traffic traffic = new Traffic(products, users, seed);
        private final WireFormatEncoder encoder = new WireFormatEncoder();
        private final WindowLedger ledger;
        // Separate streams: the normal traffic does not change with the fault shares or the spikes.
        private final Random normal = new Random(seed);
        private final Random faults = new Random(seed * 31 + 7);
        private final Random spiking = new Random(seed * 31 + 13);
        private final long windowMillis = windowSize.toMillis();
        private final long firstWindowStart = windowStart(startMillis);
        private final String idPrefix = "g" + seed + "-" + Long.toString(startMillis, 36) + "-";
        private final StringBuilder ids36 = new StringBuilder(32);
        private final List<LateEventEntry> lateEntries = new ArrayList<>();
        private final Map<Malformation, Long> malformed = new EnumMap<>(Malformation.class);
        private final Catalog catalog = new Catalog(traffic, seed, renames, removals);

        private long sequence;
        private long slotsDone;
        private long eventsSent;
        private long ordersTopicRecords;
        private long viewsTopicRecords;
        private long validOrders;
        private long validViews;
        private long spikeExtraOrders;
        private long spikeExtraViews;
        private long duplicates;
        private long lateOrders;
        private long lateViews;
        private long maxValidTime = Long.MIN_VALUE;
        private String lastTopic;
        private byte[] lastKey;
        private byte[] lastValue;
        private long sinceCommit;

        Run(RecordSink sink, SchemaIds ids, String transactionalId) {
            this.sink = sink;
            this.ids = ids;
            this.transactionalId = transactionalId;
            this.ledger = new WindowLedger(firstWindowStart, windowMillis, products);
            for (Malformation m : Malformation.values()) {
                if (!m.hostile()) {
                    malformed.put(m, 0L); // hostile kinds are listed once sent: a run without them has five reasons
                }
            }
        }

        Manifest execute() {
            long startNanos = System.nanoTime();
            long lastCommitNanos = startNanos;
            long lastProgressNanos = startNanos;
            writeCatalog();
            for (long slot = 0; slot < slots && !stopRequested; slot++) {
                if (rate > 0) {
                    pace(startNanos + slot * 1_000_000_000L / rate);
                }
                long time = slotTime(slot);
                fillSlot(slot, time);
                slotsDone = slot + 1;
                long now = System.nanoTime();
                if (sinceCommit >= commitEvery || (sinceCommit > 0 && now - lastCommitNanos >= commitInterval.toNanos())) {
                    sink.commit();
                    sinceCommit = 0;
                    lastCommitNanos = now;
                }
                if (now - lastProgressNanos >= 100_000_000L) {
                    lastProgressNanos = now;
                    progress.update(new Progress(eventsSent, slot + 1, slots, now - startNanos));
                }
            }
            sink.commit();
            progress.finished(new Progress(eventsSent, slotsDone, slots, System.nanoTime() - startNanos));
            return manifest();
        }

        /**
         * The catalog, its renames and its removals (tombstones), committed before the first event: every window of the
         * run fires after it, so the manifest's catalog names every window the job writes.
         */
        private void writeCatalog() {
            if (productsTopic == null) {
                return;
            }
            Instant updatedAt = Instant.ofEpochMilli(startMillis);
            for (Catalog.Change change : catalog.records()) {
                byte[] key = change.productId().getBytes(StandardCharsets.UTF_8);
                CatalogEntry entry = change.product();
                sink.send(productsTopic, key, entry == null ? null : encoder.product(ids.productSchemaId(), Product.newBuilder()
                        .setProductId(entry.productId()).setName(entry.name()).setCategory(entry.category())
                        .setListPrice(entry.listPrice()).setUpdatedAt(updatedAt).build()));
            }
            sink.commit();
        }

        /** Waits until {@code deadline} (System.nanoTime): the rate limit. */
        private void pace(long deadline) {
            long wait = deadline - System.nanoTime();
            while (wait > 0) {
                LockSupport.parkNanos(wait);
                wait = deadline - System.nanoTime();
            }
        }

        private void fillSlot(long slot, long time) {
            double roll = faults.nextDouble();
            if (roll < lateShare) {
                if (slot >= lateWarmupEvents) {
                    sendLate(time);
                    return;
                }
            } else if (roll < lateShare + malformedShare) {
                sendMalformed(time);
                return;
            } else if (roll < lateShare + malformedShare + duplicateShare) {
                if (lastValue != null) {
                    // Exactly what a retrying producer re-sends: same key, same bytes, right after the original.
                    send(lastTopic, lastKey, lastValue);
                    duplicates++;
                    return;
                }
            } else if (roll < lateShare + malformedShare + duplicateShare + hostileShare) {
                sendHostile(time);
                return;
            }
            sendNormal(time);
        }

        private void sendNormal(long time) {
            if (traffic.nextIsOrder(normal)) {
                long seq = sequence++;
                OrderEvent order = traffic.order(normal, eventId('o', seq), orderId(seq), time);
                sendValid(ordersTopic, traffic.orderKey(), encoder.order(ids.orderSchemaId(), order));
                ledger.countOrder(traffic, time);
                validOrders++;
                spikeOrders(time);
            } else {
                ProductView view = traffic.view(normal, eventId('v', sequence++), time);
                sendValid(viewsTopic, traffic.productKey(traffic.viewProduct()), encoder.view(ids.viewSchemaId(), view));
                ledger.countView(traffic, time);
                validViews++;
                spikeViews(time);
            }
        }

        /** For each spiked product of the order just sent: copies of its lines in new orders by other users. */
        private void spikeOrders(long time) {
            if (spikes.isEmpty()) {
                return;
            }
            int window = windowIndex(time);
            if (!spikedWindow(window)) {
                return;
            }
            // The copies overwrite the drawn order, so note its products first.
            int lines = traffic.lineCount();
            int[] orderProducts = new int[lines];
            for (int i = 0; i < lines; i++) {
                orderProducts[i] = traffic.lineProduct(i);
            }
            int[] quantities = new int[lines];
            for (int i = 0; i < lines; i++) {
                quantities[i] = traffic.lineQuantity(i);
            }
            int user = traffic.user();
            for (Spike spike : spikes) {
                int product = spike.productIndex();
                if (spike.windowIndex() != window || !contains(orderProducts, product)) {
                    continue;
                }
                int copies = copies(spike.factor());
                for (int c = 0; c < copies; c++) {
                    traffic.restoreOrder(orderProducts, quantities, user);
                    long seq = sequence++;
                    OrderEvent copy = traffic.copyOfProductLines(spiking, product, eventId('o', seq), orderId(seq), time);
                    sendValid(ordersTopic, traffic.orderKey(), encoder.order(ids.orderSchemaId(), copy));
                    ledger.countOrder(traffic, time);
                    validOrders++;
                    spikeExtraOrders++;
                }
            }
        }

        private void spikeViews(long time) {
            if (spikes.isEmpty()) {
                return;
            }
            int window = windowIndex(time);
            int product = traffic.viewProduct();
            for (Spike spike : spikes) {
                if (spike.windowIndex() != window || spike.productIndex() != product) {
                    continue;
                }
                int copies = copies(spike.factor());
                for (int c = 0; c < copies; c++) {
                    ProductView copy = traffic.view(spiking, product, eventId('v', sequence++), time);
                    sendValid(viewsTopic, traffic.productKey(product), encoder.view(ids.viewSchemaId(), copy));
                    ledger.countView(traffic, time);
                    validViews++;
                    spikeExtraViews++;
                }
            }
        }

        private boolean spikedWindow(int window) {
            for (Spike spike : spikes) {
                if (spike.windowIndex() == window) {
                    return true;
                }
            }
            return false;
        }

        /** Extra copies for a factor: factor - 1, the fractional part as a probability. */
        private int copies(double factor) {
            double extra = factor - 1.0;
            int whole = (int) Math.floor(extra);
            double fraction = extra - whole;
            return whole + (fraction > 0 && spiking.nextDouble() < fraction ? 1 : 0);
        }

        /** A valid event whose event time lies a whole window and more than an hour behind the stream. */
        private void sendLate(long streamTime) {
            long time = streamTime - lateOffset(faults);
            String id;
            if (traffic.nextIsOrder(faults)) {
                long seq = sequence++;
                id = eventId('o', seq);
                OrderEvent order = traffic.order(faults, id, orderId(seq), time);
                send(ordersTopic, traffic.orderKey(), encoder.order(ids.orderSchemaId(), order));
                for (int i = 0; i < traffic.lineCount(); i++) {
                    if (traffic.isFirstLineOfItsProduct(i)) {
                        lateEntries.add(new LateEventEntry(id, traffic.productId(traffic.lineProduct(i)), ActivityKind.ORDER, time));
                    }
                }
                lateOrders++;
            } else {
                id = eventId('v', sequence++);
                ProductView view = traffic.view(faults, id, time);
                send(viewsTopic, traffic.productKey(traffic.viewProduct()), encoder.view(ids.viewSchemaId(), view));
                lateEntries.add(new LateEventEntry(id, view.getProductId(), ActivityKind.VIEW, time));
                lateViews++;
            }
        }

        /**
         * {@link #LATE_BY} plus one to two windows: the late event's whole window ended at least an hour before the
         * stream time, whatever the window size, so that it is past any sane allowed lateness.
         */
        private long lateOffset(Random random) {
            return LATE_BY.toMillis() + windowMillis + (long) (random.nextDouble() * windowMillis);
        }

        private void sendMalformed(long time) {
            Malformation kind = EVERYDAY[faults.nextInt(EVERYDAY.length)];
            malformed.merge(kind, 1L, Long::sum);
            boolean order = faults.nextBoolean();
            String topic = order ? ordersTopic : viewsTopic;
            switch (kind) {
                case NOT_WIRE_FORMAT -> {
                    String id = eventId(order ? 'o' : 'v', sequence++);
                    byte[] value = ("{\"eventId\":\"" + id + "\",\"note\":\"JSON, not Confluent wire format\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    send(topic, traffic.productKey(faults.nextInt(products)), value);
                }
                case UNKNOWN_SCHEMA_ID -> {
                    byte[] value = order ? drawOrder(time) : drawView(time);
                    setSchemaId(value, UNKNOWN_SCHEMA_ID);
                    send(topic, keyOfDrawn(order), value);
                }
                case TRUNCATED_BODY -> {
                    byte[] value = order ? drawOrder(time) : drawView(time);
                    int body = value.length - 5;
                    byte[] truncated = java.util.Arrays.copyOf(value, 5 + body / 2);
                    send(topic, keyOfDrawn(order), truncated);
                }
                case ZERO_QUANTITY_ORDER -> {
                    long seq = sequence++;
                    OrderEvent bad = traffic.zeroQuantityOrder(faults, eventId('o', seq), orderId(seq), time);
                    send(ordersTopic, traffic.orderKey(), encoder.order(ids.orderSchemaId(), bad));
                }
                case VIEW_WITHOUT_PRODUCT -> {
                    ProductView bad = traffic.viewWithoutProduct(faults, eventId('v', sequence++), time);
                    send(viewsTopic, null, encoder.view(ids.viewSchemaId(), bad));
                }
                default -> throw new IllegalStateException("Unhandled malformation " + kind);
            }
        }

        /** One record of a hostile kind: each once stopped the job, or is of the same class. */
        private void sendHostile(long time) {
            Malformation kind = HOSTILE[faults.nextInt(HOSTILE.length)];
            malformed.merge(kind, 1L, Long::sum);
            byte[] key = traffic.productKey(faults.nextInt(products));
            switch (kind) {
                case NUL_IN_PRODUCT_ID -> {
                    ProductView bad = traffic.view(faults, eventId('v', sequence++), time);
                    bad.setProductId(bad.getProductId() + "\u0000");
                    send(viewsTopic, key, encoder.view(ids.viewSchemaId(), bad));
                }
                case HUNDRED_KB_PRODUCT_ID -> {
                    ProductView bad = traffic.view(faults, eventId('v', sequence++), time);
                    bad.setProductId("p".repeat(HUNDRED_KB));
                    send(viewsTopic, key, encoder.view(ids.viewSchemaId(), bad));
                }
                case EVENT_TIME_LONG_MIN -> {
                    long seq = sequence++;
                    OrderEvent bad = traffic.order(faults, eventId('o', seq), orderId(seq), Long.MIN_VALUE);
                    send(ordersTopic, traffic.orderKey(), encoder.order(ids.orderSchemaId(), bad));
                }
                case EVENT_TIME_LONG_MAX -> send(viewsTopic, key,
                        encoder.view(ids.viewSchemaId(), traffic.view(faults, eventId('v', sequence++), Long.MAX_VALUE)));
                case DECIMAL_OVERFLOW -> {
                    long seq = sequence++;
                    OrderEvent bad = traffic.order(faults, eventId('o', seq), orderId(seq), time);
                    send(ordersTopic, traffic.orderKey(), encoder.orderWithRawUnitPrice(ids.orderSchemaId(), bad,
                            new java.math.BigInteger("9999999999999999999")));
                }
                case REVENUE_BEYOND_COLUMN -> {
                    long seq = sequence++;
                    OrderEvent bad = traffic.order(faults, eventId('o', seq), orderId(seq), time);
                    bad.getLineItems().subList(1, bad.getLineItems().size()).clear();
                    bad.getLineItems().get(0).setQuantity(2);
                    bad.getLineItems().get(0).setUnitPrice(new java.math.BigDecimal("9999999999.99"));
                    send(ordersTopic, traffic.orderKey(), encoder.order(ids.orderSchemaId(), bad));
                }
                case SCHEMA_ID_MINUS_ONE -> {
                    byte[] value = drawView(time);
                    setSchemaId(value, -1);
                    send(viewsTopic, key, value);
                }
                case NEAR_LIMIT_VALUE -> {
                    // Compressible, so the producer's lz4 batch stays under the topic's limit as the raw value does.
                    byte[] value = new byte[NEAR_LIMIT_VALUE_BYTES];
                    java.util.Arrays.fill(value, (byte) 'g');
                    send(faults.nextBoolean() ? ordersTopic : viewsTopic, key, value);
                }
                case RANDOM_BYTES -> {
                    byte[] value = new byte[1 + faults.nextInt(4096)];
                    faults.nextBytes(value);
                    value[0] = (byte) (1 + faults.nextInt(255)); // never the magic byte
                    send(faults.nextBoolean() ? ordersTopic : viewsTopic, key, value);
                }
                case TOMBSTONE -> send(faults.nextBoolean() ? ordersTopic : viewsTopic, key, null);
                case OTHER_SUBJECT -> {
                    if (faults.nextBoolean()) {
                        send(ordersTopic, key, drawView(time));
                    } else {
                        send(viewsTopic, traffic.orderKey(), drawOrder(time));
                    }
                }
                default -> throw new IllegalStateException("Unhandled hostile record " + kind);
            }
        }

        private byte[] drawOrder(long time) {
            long seq = sequence++;
            return encoder.order(ids.orderSchemaId(), traffic.order(faults, eventId('o', seq), orderId(seq), time));
        }

        private byte[] drawView(long time) {
            return encoder.view(ids.viewSchemaId(), traffic.view(faults, eventId('v', sequence++), time));
        }

        private byte[] keyOfDrawn(boolean order) {
            return order ? traffic.orderKey() : traffic.productKey(traffic.viewProduct());
        }

        private void sendValid(String topic, byte[] key, byte[] value) {
            send(topic, key, value);
            lastTopic = topic;
            lastKey = key;
            lastValue = value;
        }

        private void send(String topic, byte[] key, byte[] value) {
            sink.send(topic, key, value);
            eventsSent++;
            sinceCommit++;
            if (topic.equals(ordersTopic)) {
                ordersTopicRecords++;
            } else {
                viewsTopicRecords++;
            }
        }

        private int windowIndex(long time) {
            return (int) ((time - firstWindowStart) / windowMillis);
        }

        private String eventId(char kind, long seq) {
            ids36.setLength(0);
            return ids36.append(idPrefix).append(kind).append(seq).toString();
        }

        private String orderId(long seq) {
            ids36.setLength(0);
            return ids36.append("order-").append(idPrefix).append(seq).toString();
        }

        private Manifest manifest() {
            Map<String, Long> byReason = new LinkedHashMap<>();
            long malformedTotal = 0;
            for (Map.Entry<Malformation, Long> e : malformed.entrySet()) {
                byReason.merge(e.getKey().reason().name(), e.getValue(), Long::sum);
                malformedTotal += e.getValue();
            }
            Counts counts = new Counts(eventsSent, ordersTopicRecords, viewsTopicRecords, validOrders, validViews,
                    spikeExtraOrders, spikeExtraViews, duplicates, lateOrders + lateViews, lateOrders, lateViews,
                    malformedTotal, byReason);
            long lastTime = slotTime(Math.max(0, slotsDone - 1));
            return new Manifest(parameters(lastTime), counts, windowStart(lastTime), ledger.rows(traffic), lateEntries,
                    productsTopic == null ? Map.of() : catalog.entries());
        }

        private Map<String, Object> parameters(long lastTime) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("bootstrapServers", bootstrapServers);
            p.put("schemaRegistryUrl", registry == null ? null : registry.url());
            p.put("ordersTopic", ordersTopic);
            p.put("viewsTopic", viewsTopic);
            p.put("productsTopic", productsTopic);
            p.put("productRenames", new java.util.TreeMap<>(renames));
            p.put("productRemovals", removals);
            p.put("orderSchemaId", ids.orderSchemaId());
            p.put("viewSchemaId", ids.viewSchemaId());
            p.put("products", products);
            p.put("users", users);
            p.put("seed", seed);
            p.put("rate", rate);
            p.put("eventsPerSecondOfEventTime", eventsPerSecondOfEventTime);
            p.put("slots", slots);
            p.put("slotsWritten", slotsDone);
            p.put("complete", slotsDone == slots);
            p.put("windowSizeMillis", windowMillis);
            p.put("eventTimeStart", startMillis);
            p.put("eventTimeStartIso", Manifest.iso(startMillis));
            p.put("lastEventTime", lastTime);
            p.put("lastEventTimeIso", Manifest.iso(lastTime));
            p.put("firstWindowStart", firstWindowStart);
            p.put("lateShare", lateShare);
            p.put("malformedShare", malformedShare);
            p.put("duplicateShare", duplicateShare);
            p.put("hostileShare", hostileShare);
            p.put("lateWarmupEvents", lateWarmupEvents);
            List<Map<String, Object>> spikeList = new ArrayList<>();
            for (Spike s : spikes) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("productId", s.productId());
                m.put("windowIndex", s.windowIndex());
                m.put("factor", s.factor());
                m.put("windowStart", firstWindowStart + s.windowIndex() * windowMillis);
                spikeList.add(m);
            }
            p.put("spikes", spikeList);
            p.put("eventIdPrefix", idPrefix);
            p.put("transactionalId", transactionalId);
            p.put("commitEvery", commitEvery);
            return p;
        }

        private static boolean contains(int[] values, int value) {
            for (int v : values) {
                if (v == value) {
                    return true;
                }
            }
            return false;
        }
    }

    private static void setSchemaId(byte[] value, int id) {
        value[1] = (byte) (id >>> 24);
        value[2] = (byte) (id >>> 16);
        value[3] = (byte) (id >>> 8);
        value[4] = (byte) id;
    }

    /** Options of an {@link EventGenerator}; {@link #build()} checks them together. */
    public static final class Builder {
        private String bootstrapServers;
        private SchemaRegistrySettings registry;
        private String ordersTopic = "orders";
        private String viewsTopic = "product-views";
        private String productsTopic = "products";
        private final Map<String, String> renames = new LinkedHashMap<>();
        private final List<String> removals = new ArrayList<>();
        private int products = 50;
        private int users = 1000;
        private long seed = 1;
        private long rate = 1000;
        private long eventsPerSecondOfEventTime = 1000;
        private Duration duration = Duration.ofSeconds(60);
        private Long count;
        private Duration windowSize = Duration.ofMinutes(5);
        private Instant startTime;
        private double lateShare = 0.01;
        private double malformedShare = 0.005;
        private double duplicateShare = 0.01;
        private double hostileShare = 0;
        private long lateWarmupEvents = 10_000;
        private final List<Spike> spikes = new ArrayList<>();
        private long commitEvery = 10_000;
        private Duration commitInterval = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();
        private Progress.Listener progress = Progress.Listener.NONE;

        private Builder() {
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = requireText(bootstrapServers, "bootstrap servers");
            return this;
        }

        public Builder registry(SchemaRegistrySettings registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public Builder ordersTopic(String topic) {
            this.ordersTopic = requireText(topic, "orders topic");
            return this;
        }

        public Builder viewsTopic(String topic) {
            this.viewsTopic = requireText(topic, "views topic");
            return this;
        }

        /** Products p0 .. p(n-1); default 50. */
        /** The catalog topic; null writes no catalog. */
        public Builder productsTopic(String topic) {
            this.productsTopic = topic == null ? null : requireText(topic, "products topic");
            return this;
        }

        /** After the catalog: renames product {@code productId} (a second record for it on the catalog topic). */
        public Builder renameProduct(String productId, String name) {
            renames.put(requireText(productId, "renamed product"), requireText(name, "new name"));
            return this;
        }

        /** After the catalog and its renames: removes product {@code productId} (a tombstone on the catalog topic). */
        public Builder removeProduct(String productId) {
            removals.add(requireText(productId, "removed product"));
            return this;
        }

        public Builder products(int products) {
            this.products = requirePositive(products, "products");
            return this;
        }

        /** Users u0 .. u(n-1); default 1000. */
        public Builder users(int users) {
            this.users = requirePositive(users, "users");
            return this;
        }

        /** Same seed, same start time and options: the same records. Default 1. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Event slots per second of wall-clock time; 0 for as fast as possible. Default 1000. */
        public Builder rate(long eventsPerSecond) {
            if (eventsPerSecond < 0) {
                throw new IllegalArgumentException("rate must be 0 (unlimited) or positive, got " + eventsPerSecond);
            }
            this.rate = eventsPerSecond;
            return this;
        }

        /** With rate 0: how many slots make one second of event time. Default 1000. */
        public Builder eventsPerSecondOfEventTime(long eventsPerSecond) {
            if (eventsPerSecond <= 0) {
                throw new IllegalArgumentException("events per second of event time must be positive, got " + eventsPerSecond);
            }
            this.eventsPerSecondOfEventTime = eventsPerSecond;
            return this;
        }

        /** The event time the run spans (slots = duration x event rate); replaces {@link #count}. Default 60 s. */
        public Builder duration(Duration duration) {
            if (duration == null || duration.toMillis() <= 0) {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
            this.duration = duration;
            this.count = null;
            return this;
        }

        /** How many event slots; replaces {@link #duration}. */
        public Builder count(long count) {
            if (count <= 0) {
                throw new IllegalArgumentException("count must be positive, got " + count);
            }
            this.count = count;
            return this;
        }

        /** The job's tumbling window, to lay out the manifest. Default 5 minutes. */
        public Builder windowSize(Duration windowSize) {
            if (windowSize == null || windowSize.toMillis() <= 0 || windowSize.toNanos() % 1_000_000 != 0) {
                throw new IllegalArgumentException("window size must be a positive whole number of milliseconds, got " + windowSize);
            }
            this.windowSize = windowSize;
            return this;
        }

        /** Event time of the first slot. Default: now minus the span of the run, so nothing is in the future. */
        public Builder startTime(Instant startTime) {
            this.startTime = startTime;
            return this;
        }

        /** Share of slots that carry a valid event far too late (an hour and more behind the stream). */
        public Builder lateShare(double share) {
            this.lateShare = requireShare(share, "late share");
            return this;
        }

        /** Share of slots that carry a record the job must dead-letter (see {@link Malformation}). */
        public Builder malformedShare(double share) {
            this.malformedShare = requireShare(share, "malformed share");
            return this;
        }

        /** Share of slots that carry a hostile record (see {@link Malformation#hostile()}); 0 by default. */
        public Builder hostileShare(double share) {
            this.hostileShare = requireShare(share, "hostile share");
            return this;
        }

        /** Share of slots that re-send the last valid record byte for byte. */
        public Builder duplicateShare(double share) {
            this.duplicateShare = requireShare(share, "duplicate share");
            return this;
        }

        /**
         * No late events in the first this many slots (default 10,000): a job that has only just started has no
         * watermark yet, and would count a "late" event as on time.
         */
        public Builder lateWarmupEvents(long slots) {
            if (slots < 0) {
                throw new IllegalArgumentException("late warm-up must not be negative, got " + slots);
            }
            this.lateWarmupEvents = slots;
            return this;
        }

        public Builder spike(Spike spike) {
            this.spikes.add(Objects.requireNonNull(spike, "spike"));
            return this;
        }

        public Builder spikes(List<Spike> spikes) {
            this.spikes.clear();
            spikes.forEach(this::spike);
            return this;
        }

        /** Records per Kafka transaction. Default 10,000. */
        public Builder commitEvery(long records) {
            if (records <= 0) {
                throw new IllegalArgumentException("commit interval must be positive, got " + records);
            }
            this.commitEvery = records;
            return this;
        }

        /** Also commit when this much wall-clock time passed (matters for slow rates). Default 1 s. */
        public Builder commitInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("commit interval must be positive, got " + interval);
            }
            this.commitInterval = interval;
            return this;
        }

        /** For the default start time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder progress(Progress.Listener listener) {
            this.progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public EventGenerator build() {
            if (lateShare + malformedShare + duplicateShare + hostileShare > 1.0) {
                throw new IllegalArgumentException("late, malformed, duplicate and hostile shares add up to more than 1: "
                        + (lateShare + malformedShare + duplicateShare + hostileShare));
            }
            if (ordersTopic.equals(viewsTopic)) {
                throw new IllegalArgumentException("orders and views need different topics, both are '" + ordersTopic + "'");
            }
            for (String id : catalogChanges()) {
                if (!id.matches("p\\d+") || Long.parseLong(id.substring(1)) >= products) {
                    throw new IllegalArgumentException("product " + id + " is renamed or removed, but the catalog has only p0..p"
                            + (products - 1));
                }
            }
            EventGenerator generator = new EventGenerator(this);
            for (Spike spike : spikes) {
                if (spike.productIndex() >= products) {
                    throw new IllegalArgumentException("spike " + spike + ": there are only products p0..p" + (products - 1));
                }
                if (spike.windowIndex() > generator.lastWindowIndex()) {
                    throw new IllegalArgumentException("spike " + spike + ": the run spans windows 0.." + generator.lastWindowIndex());
                }
            }
            long lastTime = generator.slotTime(generator.slots - 1);
            long now = clock.millis();
            // Paced runs reach their last slot span later; unpaced ones write it now.
            long lastSentAt = rate > 0 ? now + generator.spanMillis() : now;
            if (lastTime > lastSentAt) {
                throw new IllegalArgumentException("start time " + Instant.ofEpochMilli(generator.startMillis)
                        + " puts events in the future (the last at " + Instant.ofEpochMilli(lastTime)
                        + "); the job dead-letters those: start at " + Instant.ofEpochMilli(generator.startMillis - (lastTime - lastSentAt))
                        + " or earlier");
            }
            return generator;
        }

        private List<String> catalogChanges() {
            List<String> ids = new ArrayList<>(renames.keySet());
            ids.addAll(removals);
            return ids;
        }

        private static String requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }

        private static int requirePositive(int value, String what) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive, got " + value);
            }
            return value;
        }

        private static double requireShare(double share, String what) {
            if (!(share >= 0.0 && share <= 1.0)) {
                throw new IllegalArgumentException(what + " must be between 0 and 1, got " + share);
            }
            return share;
        }
    }
}
