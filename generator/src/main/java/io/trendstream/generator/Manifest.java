package io.trendstream.generator;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trendstream.records.ActivityKind;

/**
 * The truth about one run: its parameters, what it sent, and the window rows the job must write for it. The job's
 * database must equal {@link #windows()} for every window the job has closed; the row of {@link #openWindowStart()}
 * is not final until later data closes it.
 *
 * @param parameters the run's settings, as written to the file (never secrets)
 * @param openWindowStart start of the last window the data reaches (epoch millis)
 * @param windows by window start, then product
 * @param lateEvents one entry per product of each late event, in the order sent
 * @param catalog the product catalog after the run's catalog records (renames applied, removed products absent), by
 *                product id: every window row of the run is named after it; empty when the run wrote no catalog
 */
public record Manifest(Map<String, Object> parameters, Counts counts, long openWindowStart,
                       List<WindowCount> windows, List<LateEventEntry> lateEvents, Map<String, CatalogEntry> catalog) {

    /** The {@code format} field of the file; changes when a field changes meaning. */
    public static final String FORMAT = "trendstream-generator-manifest/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Manifest {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        windows = List.copyOf(windows);
        lateEvents = List.copyOf(lateEvents);
        catalog = Collections.unmodifiableMap(new TreeMap<>(catalog));
    }

    /** The rows keyed by {@link WindowCount#key()}, for comparisons. */
    public Map<String, WindowCount> windowsByKey() {
        Map<String, WindowCount> byKey = new TreeMap<>();
        windows.forEach(row -> byKey.put(row.key(), row));
        return byKey;
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Written aside and moved, so that a reader never sees half a manifest.
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        JSON.writeValue(partial.toFile(), toJson());
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.set("parameters", JSON.valueToTree(parameters));

        ObjectNode c = root.putObject("counts");
        c.put("eventsSent", counts.eventsSent());
        c.put("ordersTopicRecords", counts.ordersTopicRecords());
        c.put("viewsTopicRecords", counts.viewsTopicRecords());
        c.put("validOrders", counts.validOrders());
        c.put("validViews", counts.validViews());
        c.put("spikeExtraOrders", counts.spikeExtraOrders());
        c.put("spikeExtraViews", counts.spikeExtraViews());
        c.put("duplicates", counts.duplicates());
        c.put("late", counts.late());
        c.put("lateOrders", counts.lateOrders());
        c.put("lateViews", counts.lateViews());
        c.put("malformed", counts.malformed());
        ObjectNode byReason = c.putObject("malformedByReason");
        new TreeMap<>(counts.malformedByReason()).forEach(byReason::put);

        root.put("openWindowStart", openWindowStart);
        root.put("openWindowStartIso", iso(openWindowStart));

        ArrayNode rows = root.putArray("windows");
        for (WindowCount w : windows) {
            ObjectNode row = rows.addObject();
            row.put("productId", w.productId());
            row.put("windowStart", w.windowStart());
            row.put("windowStartIso", iso(w.windowStart()));
            row.put("orders", w.orders());
            row.put("units", w.units());
            row.put("revenue", w.revenue().toPlainString());
            row.put("views", w.views());
            row.put("distinctUsers", w.distinctUsers());
        }
        ArrayNode late = root.putArray("lateEvents");
        for (LateEventEntry e : lateEvents) {
            ObjectNode entry = late.addObject();
            entry.put("eventId", e.eventId());
            entry.put("productId", e.productId());
            entry.put("kind", e.kind().name());
            entry.put("eventTime", e.eventTime());
            entry.put("eventTimeIso", iso(e.eventTime()));
        }
        ArrayNode products = root.putArray("catalog");
        for (CatalogEntry p : catalog.values()) {
            ObjectNode entry = products.addObject();
            entry.put("productId", p.productId());
            entry.put("name", p.name());
            entry.put("category", p.category());
            entry.put("listPrice", p.listPrice() == null ? null : p.listPrice().toPlainString());
        }
        return root;
    }

    public static Manifest read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IOException(file + " is not a generator manifest of format " + FORMAT);
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        root.get("parameters").fields().forEachRemaining(e -> parameters.put(e.getKey(),
                JSON.convertValue(e.getValue(), Object.class)));
        JsonNode c = root.get("counts");
        Map<String, Long> byReason = new TreeMap<>();
        c.get("malformedByReason").fields().forEachRemaining(e -> byReason.put(e.getKey(), e.getValue().asLong()));
        Counts counts = new Counts(c.get("eventsSent").asLong(), c.get("ordersTopicRecords").asLong(),
                c.get("viewsTopicRecords").asLong(), c.get("validOrders").asLong(), c.get("validViews").asLong(),
                c.get("spikeExtraOrders").asLong(), c.get("spikeExtraViews").asLong(), c.get("duplicates").asLong(),
                c.get("late").asLong(), c.get("lateOrders").asLong(), c.get("lateViews").asLong(),
                c.get("malformed").asLong(), byReason);
        List<WindowCount> windows = new ArrayList<>();
        for (JsonNode row : root.get("windows")) {
            windows.add(new WindowCount(row.get("productId").asText(), row.get("windowStart").asLong(),
                    row.get("orders").asLong(), row.get("units").asLong(), new BigDecimal(row.get("revenue").asText()),
                    row.get("views").asLong(), row.get("distinctUsers").asLong()));
        }
        List<LateEventEntry> late = new ArrayList<>();
        for (JsonNode e : root.get("lateEvents")) {
            late.add(new LateEventEntry(e.get("eventId").asText(), e.get("productId").asText(),
                    ActivityKind.valueOf(e.get("kind").asText()), e.get("eventTime").asLong()));
        }
        Map<String, CatalogEntry> catalog = new TreeMap<>();
        for (JsonNode p : root.path("catalog")) {
            JsonNode price = p.get("listPrice");
            catalog.put(p.get("productId").asText(), new CatalogEntry(p.get("productId").asText(), p.get("name").asText(),
                    p.get("category").asText(), price == null || price.isNull() ? null : new BigDecimal(price.asText())));
        }
        return new Manifest(parameters, counts, root.get("openWindowStart").asLong(), windows, late, catalog);
    }

    static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
