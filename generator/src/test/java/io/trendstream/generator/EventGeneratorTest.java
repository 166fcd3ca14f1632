package io.trendstream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.serialization.DecodingException;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/** The generator against an in-memory sink: its records judged by the job's own rules, its manifest recounted. */
class EventGeneratorTest {

    private static final SchemaIds IDS = new SchemaIds(11, 12);
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC);
    private static final Duration WINDOW = Duration.ofSeconds(10);

    /** 3,000 slots over 30 s of event time: three 10-second windows, every fault, one spike; no catalog. */
    private static EventGenerator.Builder tinyRun() {
        return EventGenerator.builder()
                .productsTopic(null)
                .clock(CLOCK)
                .startTime(START)
                .products(4)
                .users(20)
                .seed(42)
                .rate(0)
                .eventsPerSecondOfEventTime(100)
                .count(3_000)
                .windowSize(WINDOW)
                .lateShare(0.02)
                .malformedShare(0.05)
                .duplicateShare(0.05)
                .lateWarmupEvents(100)
                .commitEvery(500);
    }

    @Test
    void theManifestEqualsAnIndependentRecountOfTheRecords() {
        InMemorySink sink = new InMemorySink();
        Manifest manifest = tinyRun().spike(Spike.parse("p1:1:3")).build().generate(sink, IDS);

        StreamAnalysis analysis = analyse(sink.sent());

        assertThat(manifest.windowsByKey()).isEqualTo(analysis.totals.rows());
        assertThat(manifest.windows()).hasSize(4 * 3);
        Counts counts = manifest.counts();
        assertThat(counts.eventsSent()).isEqualTo(sink.sent().size());
        assertThat(counts.eventsSent()).isEqualTo(3_000 + counts.spikeExtraOrders() + counts.spikeExtraViews());
        assertThat(counts.validOrders()).isEqualTo(analysis.validOrders);
        assertThat(counts.validViews()).isEqualTo(analysis.validViews);
        assertThat(counts.duplicates()).isEqualTo(analysis.duplicates).isPositive();
        assertThat(counts.late()).isEqualTo(analysis.late()).isPositive();
        assertThat(counts.lateOrders() + counts.lateViews()).isEqualTo(counts.late());
        assertThat(manifest.lateEvents()).isEqualTo(analysis.lateEntries);
        assertThat(counts.malformedByReason()).isEqualTo(analysis.malformedByReason);
        assertThat(counts.malformed()).isEqualTo(analysis.malformedByReason.values().stream().mapToLong(Long::longValue).sum());
        assertThat(counts.ordersTopicRecords() + counts.viewsTopicRecords()).isEqualTo(counts.eventsSent());
        assertThat(counts.ordersTopicRecords()).isEqualTo(sink.sent().stream().filter(r -> r.topic().equals("orders")).count());
        assertThat(manifest.openWindowStart()).isEqualTo(START.toEpochMilli() + 2 * WINDOW.toMillis());
        assertThat(sink.committed()).as("everything committed").isEqualTo(sink.sent().size());
        assertThat(sink.commits()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aSpikeMultipliesTheProductsOrdersAndViewsInItsWindowOnly() {
        Manifest plain = tinyRun().build().generate(new InMemorySink(), IDS);
        Manifest spiked = tinyRun().spike(Spike.parse("p2:1:3.0")).build().generate(new InMemorySink(), IDS);

        long spikeWindow = START.toEpochMilli() + WINDOW.toMillis();
        Map<String, WindowCount> before = plain.windowsByKey();
        Map<String, WindowCount> after = spiked.windowsByKey();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        after.forEach((key, row) -> {
            WindowCount usual = before.get(key);
            if (row.productId().equals("p2") && row.windowStart() == spikeWindow) {
                assertThat(usual.orders()).isPositive();
                assertThat(usual.views()).isPositive();
                assertThat(row.orders()).isEqualTo(3 * usual.orders());
                assertThat(row.units()).isEqualTo(3 * usual.units());
                assertThat(row.revenue()).isEqualByComparingTo(usual.revenue().multiply(java.math.BigDecimal.valueOf(3)));
                assertThat(row.views()).isEqualTo(3 * usual.views());
            } else {
                assertThat(row).as(key).isEqualTo(usual);
            }
        });
        assertThat(spiked.counts().spikeExtraOrders()).isEqualTo(2 * before.get("p2@" + spikeWindow).orders());
        assertThat(spiked.counts().spikeExtraViews()).isEqualTo(2 * before.get("p2@" + spikeWindow).views());
    }

    @Test
    void duplicatesAreExactCopiesOfThePreviousValidRecord() {
        InMemorySink sink = new InMemorySink();
        Manifest manifest = tinyRun().duplicateShare(0.2).lateShare(0).build().generate(sink, IDS);

        RecordClassifier classifier = new RecordClassifier(EventGeneratorTest::decode);
        InMemorySink.Sent previousValid = null;
        Map<String, InMemorySink.Sent> firstByValue = new HashMap<>();
        long copies = 0;
        for (InMemorySink.Sent record : sink.sent()) {
            RecordClassifier.Verdict verdict = classifier.classify(record.topic(), record.value());
            String bytes = record.topic() + "/" + Arrays.toString(record.value());
            InMemorySink.Sent original = firstByValue.putIfAbsent(bytes, record);
            if (original != null) {
                copies++;
                assertThat(verdict.valid()).isTrue();
                assertThat(record.key()).isEqualTo(original.key());
                assertThat(original).as("the copy follows its original, no valid record between").isSameAs(previousValid);
            }
            if (verdict.valid()) {
                previousValid = original == null ? record : previousValid;
            }
        }
        assertThat(copies).isEqualTo(manifest.counts().duplicates()).isGreaterThan(400);
    }

    @Test
    void lateEventsAreAtLeastAnHourBehindTheStreamWithTheirWholeWindow() {
        InMemorySink sink = new InMemorySink();
        Manifest manifest = tinyRun().lateShare(0.2).build().generate(sink, IDS);

        RecordClassifier classifier = new RecordClassifier(EventGeneratorTest::decode);
        long streamTime = Long.MIN_VALUE;
        List<String> late = new ArrayList<>();
        java.util.Set<String> lateIds = new java.util.HashSet<>();
        manifest.lateEvents().forEach(e -> lateIds.add(e.eventId()));
        for (InMemorySink.Sent record : sink.sent()) {
            RecordClassifier.Verdict verdict = classifier.classify(record.topic(), record.value());
            if (!verdict.valid()) {
                continue;
            }
            long time = StreamAnalysis.eventTime(verdict.event());
            String id = StreamAnalysis.eventId(verdict.event());
            if (lateIds.contains(id)) {
                long windowEnd = time - Math.floorMod(time, WINDOW.toMillis()) + WINDOW.toMillis();
                assertThat(streamTime - time).as(id).isGreaterThanOrEqualTo(Duration.ofHours(1).toMillis());
                assertThat(streamTime - windowEnd).as(id + "'s window").isGreaterThanOrEqualTo(Duration.ofHours(1).toMillis());
                late.add(id);
            } else {
                assertThat(time).as("on-time events never go back in time").isGreaterThanOrEqualTo(streamTime);
                streamTime = time;
            }
        }
        assertThat(late).hasSize((int) manifest.counts().late()).hasSizeGreaterThan(400);
        assertThat(late).doesNotHaveDuplicates();
    }

    @Test
    void noLateEventsDuringTheWarmUp() {
        InMemorySink sink = new InMemorySink();
        Manifest manifest = tinyRun().lateShare(0.5).lateWarmupEvents(1_000).build().generate(sink, IDS);

        java.util.Set<String> lateIds = new java.util.HashSet<>();
        manifest.lateEvents().forEach(e -> lateIds.add(e.eventId()));
        RecordClassifier classifier = new RecordClassifier(EventGeneratorTest::decode);
        for (InMemorySink.Sent record : sink.sent().subList(0, 1_000)) {
            RecordClassifier.Verdict verdict = classifier.classify(record.topic(), record.value());
            if (verdict.valid()) {
                assertThat(lateIds).doesNotContain(StreamAnalysis.eventId(verdict.event()));
            }
        }
        assertThat(manifest.counts().late()).isGreaterThan(500);
    }

    @Test
    void malformedRecordsAreEachWhatTheyClaim() {
        InMemorySink sink = new InMemorySink();
        Manifest manifest = tinyRun().lateShare(0).duplicateShare(0).malformedShare(1.0).count(1_000).build()
                .generate(sink, IDS);

        StreamAnalysis analysis = analyse(sink.sent());

        assertThat(analysis.validOrders + analysis.validViews).isZero();
        assertThat(analysis.malformedByReason).isEqualTo(manifest.counts().malformedByReason());
        assertThat(analysis.malformedByReason).containsOnlyKeys(DeadLetterReason.NOT_WIRE_FORMAT.name(),
                DeadLetterReason.UNKNOWN_SCHEMA.name(), DeadLetterReason.UNDECODABLE.name(),
                DeadLetterReason.NON_POSITIVE_QUANTITY.name(), DeadLetterReason.MISSING_PRODUCT_ID.name());
        assertThat(analysis.malformedByReason.values()).allSatisfy(n -> assertThat(n).isGreaterThan(150));
        assertThat(manifest.counts().malformed()).isEqualTo(1_000);
        assertThat(manifest.windows()).isEmpty();
    }

    @Test
    void hostileRecordsAreEachWhatTheyClaimByTheJobsOwnRules() {
        InMemorySink sink = new InMemorySink();
        Manifest manifest = tinyRun().lateShare(0).duplicateShare(0).malformedShare(0).hostileShare(1.0).count(1_100)
                .build().generate(sink, IDS);

        StreamAnalysis analysis = analyse(sink.sent());

        assertThat(analysis.validOrders + analysis.validViews).isZero();
        // The everyday kinds are listed with 0.
        Map<String, Long> sent = new HashMap<>(manifest.counts().malformedByReason());
        sent.values().removeIf(n -> n == 0);
        assertThat(analysis.malformedByReason).isEqualTo(sent);
        assertThat(analysis.malformedByReason).containsOnlyKeys(DeadLetterReason.INVALID_TEXT.name(),
                DeadLetterReason.TEXT_TOO_LONG.name(), DeadLetterReason.EVENT_TIME_OUT_OF_RANGE.name(),
                DeadLetterReason.AMOUNT_OUT_OF_RANGE.name(), DeadLetterReason.UNKNOWN_SCHEMA.name(),
                DeadLetterReason.NOT_WIRE_FORMAT.name(), DeadLetterReason.EMPTY_RECORD.name(),
                DeadLetterReason.INCOMPATIBLE_SCHEMA.name());
        assertThat(manifest.counts().malformed()).isEqualTo(1_100);
        assertThat(sink.sent()).anySatisfy(r -> assertThat(r.value()).hasSize(EventGenerator.NEAR_LIMIT_VALUE_BYTES));
        assertThat(manifest.windows()).isEmpty();
    }

    @Test
    void keysAreProductIdsAndEachKeysOnTimeEventsAreInEventTimeOrder() {
        InMemorySink sink = new InMemorySink();
        Manifest manifest = tinyRun().build().generate(sink, IDS);

        java.util.Set<String> lateIds = new java.util.HashSet<>();
        manifest.lateEvents().forEach(e -> lateIds.add(e.eventId()));
        RecordClassifier classifier = new RecordClassifier(EventGeneratorTest::decode);
        Map<String, Long> newestByKey = new HashMap<>();
        for (InMemorySink.Sent record : sink.sent()) {
            RecordClassifier.Verdict verdict = classifier.classify(record.topic(), record.value());
            if (!verdict.valid() || lateIds.contains(StreamAnalysis.eventId(verdict.event()))) {
                continue;
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            String expectedKey = verdict.event() instanceof OrderEvent o
                    ? o.getLineItems().get(0).getProductId() : ((ProductView) verdict.event()).getProductId();
            assertThat(key).isEqualTo(expectedKey);
            long time = StreamAnalysis.eventTime(verdict.event());
            assertThat(time).as(key).isGreaterThanOrEqualTo(newestByKey.getOrDefault(key, Long.MIN_VALUE));
            newestByKey.put(key, time);
        }
        assertThat(newestByKey).hasSize(4);
    }

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        InMemorySink first = new InMemorySink();
        InMemorySink second = new InMemorySink();
        InMemorySink other = new InMemorySink();
        tinyRun().build().generate(first, IDS);
        tinyRun().build().generate(second, IDS);
        tinyRun().seed(43).build().generate(other, IDS);

        assertThat(second.sent()).hasSameSizeAs(first.sent());
        for (int i = 0; i < first.sent().size(); i++) {
            assertThat(second.sent().get(i).value()).isEqualTo(first.sent().get(i).value());
        }
        assertThat(other.sent().get(0).value()).isNotEqualTo(first.sent().get(0).value());
    }

    @Test
    void aStoppedRunCommitsWhatItSentAndItsManifestDescribesExactlyThat() {
        EventGenerator generator = tinyRun().build();
        InMemorySink sink = new InMemorySink() {
            @Override
            public void send(String topic, byte[] key, byte[] value) {
                super.send(topic, key, value);
                if (sent().size() == 1_234) {
                    generator.requestStop();
                }
            }
        };

        Manifest manifest = generator.generate(sink, IDS);

        assertThat(manifest.parameters()).containsEntry("complete", false);
        assertThat((Long) manifest.parameters().get("slotsWritten")).isBetween(1_000L, 1_234L);
        assertThat(sink.committed()).isEqualTo(sink.sent().size());
        assertThat(manifest.counts().eventsSent()).isEqualTo(sink.sent().size());
        assertThat(manifest.windowsByKey()).isEqualTo(analyse(sink.sent()).totals.rows());
    }

    @Test
    void byDefaultTheRunEndsNowAndNothingIsInTheFuture() {
        EventGenerator generator = EventGenerator.builder().clock(CLOCK).rate(0).count(60_000).build();

        assertThat(generator.spanMillis()).isEqualTo(60_000);
        assertThat(generator.start()).isEqualTo(CLOCK.instant().minusSeconds(60));
        Manifest manifest = generator.generate(new InMemorySink(), IDS);
        assertThat((Long) manifest.parameters().get("lastEventTime")).isLessThan(CLOCK.millis());
        assertThat(manifest.counts().eventsSent()).isEqualTo(60_000);
        assertThat(manifest.parameters()).containsEntry("complete", true).containsEntry("slotsWritten", 60_000L);
    }

    @Test
    void aDurationIsEventTimeAtTheEventRate() {
        assertThat(EventGenerator.builder().clock(CLOCK).rate(200).duration(Duration.ofSeconds(30)).build().slots())
                .isEqualTo(6_000);
        assertThat(EventGenerator.builder().clock(CLOCK).rate(0).eventsPerSecondOfEventTime(50)
                .duration(Duration.ofMinutes(2)).build().slots()).isEqualTo(6_000);
    }

    @Test
    void refusesRunsThatWouldPutEventsInTheFuture() {
        assertThatThrownBy(() -> EventGenerator.builder().clock(CLOCK).rate(0).count(1_000)
                .startTime(CLOCK.instant()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("future");
    }

    @Test
    void refusesSpikesOutsideTheRun() {
        assertThatThrownBy(() -> tinyRun().spike(Spike.parse("p9:0:2")).build())
                .hasMessageContaining("p0..p3");
        assertThatThrownBy(() -> tinyRun().spike(Spike.parse("p1:3:2")).build())
                .hasMessageContaining("windows 0..2");
    }

    @Test
    void theManifestFileReadsBackEqual() throws Exception {
        Manifest manifest = tinyRun().spike(Spike.parse("p1:1:2.5")).build().generate(new InMemorySink(), IDS);
        java.nio.file.Path file = java.nio.file.Files.createTempDirectory("manifest").resolve("run.json");

        manifest.write(file);
        Manifest read = Manifest.read(file);

        assertThat(read.counts()).isEqualTo(manifest.counts());
        assertThat(read.windows()).isEqualTo(manifest.windows());
        assertThat(read.lateEvents()).isEqualTo(manifest.lateEvents());
        assertThat(read.openWindowStart()).isEqualTo(manifest.openWindowStart());
        String json = java.nio.file.Files.readString(file);
        assertThat(json).contains("\"revenue\" : \"").contains("\"openWindowStartIso\" : \"2026-01-01T00:00:20Z\"");
    }

    private static StreamAnalysis analyse(List<InMemorySink.Sent> records) {
        StreamAnalysis analysis = new StreamAnalysis(new RecordClassifier(EventGeneratorTest::decode), WINDOW.toMillis());
        // One sequence: the sink keeps the order of sending, which every partition keeps too.
        for (InMemorySink.Sent record : records) {
            analysis.record("all", record.topic(), record.value());
        }
        return analysis;
    }

    /** What the job's Confluent deserializer does, with the test's two schema ids as the registry. */
    static Object decode(String topic, byte[] value) throws Exception {
        if (value == null || value.length == 0) {
            throw new DecodingException(DeadLetterReason.EMPTY_RECORD, "no value");
        }
        if (value.length < 5 || value[0] != 0) {
            throw new DecodingException(DeadLetterReason.NOT_WIRE_FORMAT, "no wire format header");
        }
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Class<?> type;
        if (id == IDS.orderSchemaId()) {
            type = OrderEvent.class;
        } else if (id == IDS.viewSchemaId()) {
            type = ProductView.class;
        } else {
            throw new DecodingException(DeadLetterReason.UNKNOWN_SCHEMA, "unknown id " + id);
        }
        if (type != (topic.equals("orders") ? OrderEvent.class : ProductView.class)) {
            throw new DecodingException(DeadLetterReason.INCOMPATIBLE_SCHEMA, type.getSimpleName() + " on " + topic);
        }
        @SuppressWarnings("unchecked")
        SpecificDatumReader<Object> reader = new SpecificDatumReader<>((Class<Object>) type);
        return reader.read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    }

    @Test
    void theCatalogPrecedesTheEventsAndTheManifestHoldsItAfterItsRenamesAndRemovals() throws Exception {
        InMemorySink sink = new InMemorySink();
        Manifest manifest = tinyRun().productsTopic("products").renameProduct("p1", "Renamed Lamp").removeProduct("p2")
                .build().generate(sink, new SchemaIds(11, 12, 13));

        // p0..p3, the rename of p1, the tombstone of p2: all before the first event.
        List<InMemorySink.Sent> catalog = sink.sent().subList(0, 6);
        assertThat(catalog).allSatisfy(r -> assertThat(r.topic()).isEqualTo("products"));
        assertThat(sink.sent().subList(6, sink.sent().size())).noneMatch(r -> r.topic().equals("products"));
        assertThat(catalog.stream().map(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).toList())
                .containsExactly("p0", "p1", "p2", "p3", "p1", "p2");
        assertThat(catalog.get(5).value()).as("a tombstone").isNull();
        io.trendstream.events.Product renamed = new org.apache.avro.specific.SpecificDatumReader<>(io.trendstream.events.Product.class)
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(catalog.get(4).value(), 5,
                        catalog.get(4).value().length - 5, null));
        assertThat(catalog.get(4).value()[4]).as("schema id").isEqualTo((byte) 13);
        assertThat(renamed.getName()).isEqualTo("Renamed Lamp");

        assertThat(manifest.catalog().keySet()).containsExactly("p0", "p1", "p3");
        assertThat(manifest.catalog().get("p1").name()).isEqualTo("Renamed Lamp");
        assertThat(manifest.catalog().get("p1").category()).isEqualTo(renamed.getCategory());
        assertThat(manifest.counts().eventsSent()).isEqualTo(sink.sent().size() - 6);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("manifest", ".json");
        manifest.write(file);
        assertThat(Manifest.read(file).catalog()).isEqualTo(manifest.catalog());
    }
}
