package io.trendstream.gateway.ingest;

import io.trendstream.functions.Rejection;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON field a rejection of the job's rules is about, in the client's names: the rules name it as the event's
 * schema does ({@link Rejection#field()}: {@code lineItems[2].unitPrice}), clients write snake_case and call the lines
 * {@code items} ({@code items[2].price}). {@code RejectedFieldTest} holds this table to the schemas and to the
 * fields {@link OrderJson} and {@link ProductViewJson} read.
 */
final class RejectedField {

    /** A path's step: a schema field's name, with an index for an array's element. */
    private static final Pattern STEP = Pattern.compile("(\\w+)(\\[\\d+])?");

    /** Schema field name to JSON field name, for every field of the events the gateway takes. */
    static final Map<String, String> JSON_NAMES = Map.ofEntries(
            Map.entry("eventId", "event_id"), Map.entry("orderId", "order_id"), Map.entry("userId", "user_id"),
            Map.entry("productId", "product_id"), Map.entry("sessionId", "session_id"),
            Map.entry("currency", "currency"), Map.entry("channel", "channel"), Map.entry("eventTime", "event_time"),
            Map.entry("lineItems", "items"), Map.entry("quantity", "quantity"), Map.entry("unitPrice", "price"));

    /** The JSON path of the rejected field; the schema's path if a step has no JSON name (the test holds none). */
    static String of(Rejection rejection) {
        StringBuilder json = new StringBuilder();
        for (String step : rejection.field().split("\\.")) {
            Matcher parts = STEP.matcher(step);
            String name = parts.matches() ? JSON_NAMES.get(parts.group(1)) : null;
            if (name == null) {
                return rejection.field();
            }
            json.append(json.isEmpty() ? "" : ".").append(name).append(parts.group(2) == null ? "" : parts.group(2));
        }
        return json.toString();
    }

    private RejectedField() {}
}
