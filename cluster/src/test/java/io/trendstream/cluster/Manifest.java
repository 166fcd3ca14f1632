package io.trendstream.cluster;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A generator run's manifest (generator/README.md): the totals of the valid events it produced per product and window,
 * the start of its last window, whose row is not final when the run ends ({@code openWindowStart}), the event time of
 * its last event, how many records it sent that the job must dead-letter (in all, and by the reason the job must give),
 * and the ids of the events it sent far too late, which the job must store in late_events.
 */
record Manifest(Map<WindowKey, Totals> windows, Instant openWindowStart, Instant lastEventTime, long malformed,
        Map<String, Long> malformedByReason, Set<String> lateEventIds) {

    /** A row of product_window_stats: one product in one window. */
    record WindowKey(String productId, Instant windowStart) implements Comparable<WindowKey> {
        @Override
        public int compareTo(WindowKey other) {
            int byTime = windowStart.compareTo(other.windowStart);
            return byTime != 0 ? byTime : productId.compareTo(other.productId);
        }

        @Override
        public String toString() {
            return productId + "@" + windowStart;
        }
    }

    /** The totals the database must hold for a closed window. Revenue with scale 2, as numeric(18,2). */
    record Totals(long orders, long units, BigDecimal revenue, long views, long distinctUsers) {
        Totals {
            revenue = revenue.setScale(2);
        }
    }

    static Manifest read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<WindowKey, Totals> windows = new TreeMap<>();
        for (JsonNode window : windowsOf(root)) {
            WindowKey key = new WindowKey(text(window, "productId", "product", "product_id"),
                    instant(field(window, "windowStart", "window_start", "window")));
            Totals totals = new Totals(field(window, "orders").asLong(), field(window, "units").asLong(),
                    new BigDecimal(field(window, "revenue").asText()), field(window, "views").asLong(),
                    field(window, "distinctUsers", "distinct_users", "users").asLong());
            if (windows.put(key, totals) != null) {
                throw new IllegalArgumentException(file + " lists " + key + " twice");
            }
        }
        Map<String, Long> byReason = new TreeMap<>();
        root.path("counts").path("malformedByReason").fields()
                .forEachRemaining(reason -> byReason.put(reason.getKey(), reason.getValue().asLong()));
        Set<String> late = new TreeSet<>();
        root.path("lateEvents").forEach(entry -> late.add(field(entry, "eventId").asText()));
        return new Manifest(windows, instant(field(root, "openWindowStart")),
                instant(field(root.path("parameters"), "lastEventTime")), field(root.path("counts"), "malformed").asLong(),
                byReason, late);
    }

    private static Iterable<JsonNode> windowsOf(JsonNode root) {
        for (String name : new String[] {"windows", "totals", "rows"}) {
            if (root.path(name).isArray()) {
                return root.path(name);
            }
        }
        throw new IllegalArgumentException("No windows array in the manifest; fields: " + fieldNames(root));
    }

    private static JsonNode field(JsonNode node, String... names) {
        for (String name : names) {
            if (node.has(name)) {
                return node.get(name);
            }
        }
        throw new IllegalArgumentException("None of " + String.join("/", names) + " in " + node);
    }

    private static String text(JsonNode node, String... names) {
        return field(node, names).asText();
    }

    private static Instant instant(JsonNode value) {
        return value.isNumber() ? Instant.ofEpochMilli(value.asLong()) : Instant.parse(value.asText());
    }

    private static String fieldNames(JsonNode node) {
        StringBuilder names = new StringBuilder();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.append(it.next()).append(' ');
        }
        return names.toString().trim();
    }
}
