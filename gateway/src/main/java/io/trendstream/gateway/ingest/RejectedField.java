package io.trendstream.gateway.ingest;

import io.trendstream.functions.Rejection;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON field a rejection of the job's rules is about, in the client's names ({@code items[2].price}), or null
 * when no single field is at fault (an order's total for a product). The rules name line items and text fields in
 * their details ("line item 2 (p-7) has quantity 0", "userId is 300 characters long"); this reads those names, so
 * that the rules stay the one place where events are judged. {@code RejectedFieldTest} holds each reason to it.
 */
final class RejectedField {

    private static final Pattern LINE = Pattern.compile("line item (\\d+)");
    private static final Pattern TEXT_FIELD = Pattern.compile("^(\\w+)");
    private static final Map<String, String> JSON_NAMES = Map.of(
            "eventId", "event_id", "orderId", "order_id", "userId", "user_id", "productId", "product_id",
            "sessionId", "session_id", "currency", "currency", "channel", "channel");

    static String of(Rejection rejection, boolean order) {
        String detail = rejection.detail();
        return switch (rejection.reason()) {
            case MISSING_EVENT_ID -> "event_id";
            case MISSING_ORDER_ID -> "order_id";
            case MISSING_USER_ID -> "user_id";
            case MISSING_PRODUCT_ID -> order ? lineField(detail, "product_id") : "product_id";
            case NO_LINE_ITEMS, TOO_MANY_LINE_ITEMS -> "items";
            case NON_POSITIVE_QUANTITY -> lineField(detail, "quantity");
            case NON_POSITIVE_PRICE, PRICE_TOO_PRECISE -> lineField(detail, "price");
            case AMOUNT_OUT_OF_RANGE -> LINE.matcher(detail).find()
                    ? lineField(detail, detail.contains(" quantity ") ? "quantity" : "price")
                    : "items";
            case EVENT_TIME_OUT_OF_RANGE, EVENT_TIME_IN_FUTURE -> "event_time";
            case TEXT_TOO_LONG, INVALID_TEXT -> textField(detail);
            default -> null;
        };
    }

    private static String lineField(String detail, String field) {
        Matcher line = LINE.matcher(detail);
        return line.find() ? "items[" + line.group(1) + "]." + field : "items";
    }

    private static String textField(String detail) {
        Matcher name = TEXT_FIELD.matcher(detail);
        String json = name.find() ? JSON_NAMES.get(name.group(1)) : null;
        if ("product_id".equals(json) && LINE.matcher(detail).find()) {
            return lineField(detail, "product_id");
        }
        return json;
    }

    private RejectedField() {}
}
