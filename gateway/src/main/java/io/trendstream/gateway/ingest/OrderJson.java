package io.trendstream.gateway.ingest;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.functions.EventLimits;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.trendstream.gateway.ingest.EventJsonReader.FieldProblem;
import static io.trendstream.gateway.ingest.EventJsonReader.decimal;
import static io.trendstream.gateway.ingest.EventJsonReader.instant;
import static io.trendstream.gateway.ingest.EventJsonReader.integer;
import static io.trendstream.gateway.ingest.EventJsonReader.text;
import static io.trendstream.gateway.ingest.EventJsonReader.unknownField;

/**
 * An order as clients write it: {@code {"event_id", "order_id", "user_id", "items": [{"product_id", "quantity",
 * "price"}], "currency", "channel", "event_time"}}, snake_case. Every field but {@code user_id} and {@code items} is
 * optional here; what the job requires of the values is checked by the job's own rules afterwards. The event id and
 * time may be left null for the gateway to assign; a missing {@code currency} is the schema's default (EUR).
 */
final class OrderJson implements EventJsonReader.ObjectReader<OrderEvent> {

    static final List<String> FIELDS = List.of("event_id", "order_id", "user_id", "items", "currency", "channel", "event_time");
    /** The schema's default, which a builder would apply. */
    private static final String DEFAULT_CURRENCY =
            String.valueOf(OrderEvent.getClassSchema().getField("currency").defaultVal());

    static final List<String> ITEM_FIELDS = List.of("product_id", "quantity", "price");

    @Override
    public OrderEvent read(JsonParser parser, String path) throws IOException {
        OrderEvent order = new OrderEvent();
        order.setLineItems(List.of());
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "event_id" -> order.setEventId(text(parser, "event_id"));
                case "order_id" -> order.setOrderId(text(parser, "order_id"));
                case "user_id" -> order.setUserId(text(parser, "user_id"));
                case "currency" -> {
                    String currency = text(parser, "currency");
                    if (currency != null) {
                        order.setCurrency(currency);
                    }
                }
                case "channel" -> order.setChannel(text(parser, "channel"));
                case "event_time" -> order.setEventTime(instant(parser, "event_time"));
                case "items" -> order.setLineItems(items(parser));
                default -> throw unknownField(name, FIELDS);
            }
        }
        if (order.getCurrency() == null) {
            order.setCurrency(DEFAULT_CURRENCY);
        }
        return order;
    }

    private static List<LineItem> items(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw FieldProblem.wrongType("items", "must be an array of line items");
        }
        List<LineItem> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String path = "items[" + items.size() + "]";
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw FieldProblem.wrongType(path, "must be an object of product_id, quantity and price");
            }
            if (items.size() == EventLimits.MAX_LINE_ITEMS) {
                // The rules refuse it anyway; stop reading rather than building thousands of objects first.
                throw new FieldProblem("items", "TOO_MANY_LINE_ITEMS", "an order has at most " + EventLimits.MAX_LINE_ITEMS + " line items");
            }
            items.add(item(parser, path));
        }
        return items;
    }

    private static LineItem item(JsonParser parser, String path) throws IOException {
        LineItem item = new LineItem();
        boolean hasQuantity = false;
        boolean hasPrice = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "product_id" -> item.setProductId(text(parser, path + ".product_id"));
                case "quantity" -> {
                    item.setQuantity(integer(parser, path + ".quantity", EventLimits.MAX_UNITS_PER_PRODUCT));
                    hasQuantity = true;
                }
                case "price" -> {
                    item.setUnitPrice(decimal(parser, path + ".price"));
                    hasPrice = true;
                }
                default -> throw unknownField(path + "." + name, ITEM_FIELDS);
            }
        }
        if (!hasQuantity) {
            throw FieldProblem.missing(path + ".quantity");
        }
        if (!hasPrice) {
            throw FieldProblem.missing(path + ".price");
        }
        return item;
    }
}
