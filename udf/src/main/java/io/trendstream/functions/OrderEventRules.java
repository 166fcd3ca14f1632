package io.trendstream.functions;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;

/**
 * Orders need ids, between one and {@link EventLimits#MAX_LINE_ITEMS} line items, positive quantities and prices in
 * cents, totals per product within {@link EventLimits}, text the database can store, and a plausible event time.
 * Checks run in field order and report the first problem; a field named in a detail has been checked already, so
 * details stay short and printable.
 */
public final class OrderEventRules implements EventRules<OrderEvent> {
    private static final long serialVersionUID = 1L;

    private static final long MAX_REVENUE_CENTS_PER_PRODUCT =
            EventLimits.MAX_REVENUE_PER_PRODUCT.movePointRight(EventLimits.MONEY_SCALE).longValueExact();

    /** Every product's totals within {@link EventLimits}; an order's line checks have run. */
    private static final OrderToActivities.ProductTotals WITHIN_LIMITS = (productId, units, revenueCents) ->
            units <= EventLimits.MAX_UNITS_PER_PRODUCT && revenueCents <= MAX_REVENUE_CENTS_PER_PRODUCT;

    /** The order's line items, as the schema names them; a rejection of one line names its index and field. */
    private static final String LINE_ITEMS = "lineItems";

    private final long maxFutureSkewMillis;

    public OrderEventRules(Duration maxFutureSkew) {
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    }

    @Override
    public String eventId(OrderEvent event) {
        return event.getEventId();
    }

    @Override
    public long eventTime(OrderEvent event) {
        return event.getEventTime().toEpochMilli();
    }

    @Override
    public Rejection validate(OrderEvent order, long nowMillis) {
        Rejection rejection = TextFields.required("eventId", order.getEventId(),
                DeadLetterReason.MISSING_EVENT_ID, "order has no eventId");
        if (rejection == null) {
            rejection = TextFields.required("orderId", order.getOrderId(), DeadLetterReason.MISSING_ORDER_ID,
                    "order event", order.getEventId());
        }
        if (rejection == null) {
            rejection = TextFields.required("userId", order.getUserId(), DeadLetterReason.MISSING_USER_ID,
                    "order event", order.getEventId());
        }
        if (rejection == null) {
            rejection = TextFields.optional("currency", order.getCurrency());
        }
        if (rejection == null) {
            rejection = TextFields.optional("channel", order.getChannel());
        }
        if (rejection == null) {
            rejection = validateLines(order);
        }
        if (rejection == null) {
            rejection = EventTimeBounds.check("eventTime", order.getEventTime(), nowMillis, maxFutureSkewMillis);
        }
        return rejection;
    }

    private static Rejection validateLines(OrderEvent order) {
        List<LineItem> lines = order.getLineItems();
        if (lines == null || lines.isEmpty()) {
            return new Rejection(DeadLetterReason.NO_LINE_ITEMS, "order event " + order.getEventId() + " has no line items",
                    LINE_ITEMS);
        }
        if (lines.size() > EventLimits.MAX_LINE_ITEMS) {
            return new Rejection(DeadLetterReason.TOO_MANY_LINE_ITEMS, "order event " + order.getEventId() + " has "
                    + lines.size() + " line items, more than " + EventLimits.MAX_LINE_ITEMS, LINE_ITEMS);
        }
        for (int i = 0; i < lines.size(); i++) {
            Rejection rejection = validateLine(i, lines.get(i));
            if (rejection != null) {
                return rejection;
            }
        }
        boolean withinLimits;
        try {
            withinLimits = OrderToActivities.forEachProduct(order, WITHIN_LIMITS);
        } catch (ArithmeticException e) {
            withinLimits = false; // beyond an int or a long: certainly beyond the limits
        }
        if (!withinLimits) {
            return new Rejection(DeadLetterReason.AMOUNT_OUT_OF_RANGE, "order event " + order.getEventId()
                    + " has a product with more than " + EventLimits.MAX_UNITS_PER_PRODUCT + " units or a revenue above "
                    + EventLimits.MAX_REVENUE_PER_PRODUCT, LINE_ITEMS);
        }
        return null;
    }

    private static Rejection validateLine(int i, LineItem item) {
        String productId = item.getProductId();
        if (TextFields.isMissing(productId)) {
            return new Rejection(DeadLetterReason.MISSING_PRODUCT_ID, "line item " + i + " has no productId",
                    lineItem(i, "productId"));
        }
        if (!TextFields.isUsable(productId)) {
            return TextFields.optional(lineItem(i, "productId"), "productId of line item " + i, productId);
        }
        if (item.getQuantity() <= 0) {
            return new Rejection(DeadLetterReason.NON_POSITIVE_QUANTITY, line(i, item) + " has quantity " + item.getQuantity(),
                    lineItem(i, "quantity"));
        }
        if (item.getQuantity() > EventLimits.MAX_UNITS_PER_PRODUCT) {
            return new Rejection(DeadLetterReason.AMOUNT_OUT_OF_RANGE, line(i, item) + " has quantity " + item.getQuantity()
                    + ", more than " + EventLimits.MAX_UNITS_PER_PRODUCT, lineItem(i, "quantity"));
        }
        BigDecimal price = item.getUnitPrice();
        if (price == null || price.signum() <= 0) {
            return new Rejection(DeadLetterReason.NON_POSITIVE_PRICE, line(i, item) + " has unit price " + describe(price),
                    lineItem(i, "unitPrice"));
        }
        // Compared before anything that expands the number: BigDecimal compares magnitudes by exponent first.
        if (price.compareTo(EventLimits.MAX_UNIT_PRICE) > 0) {
            return new Rejection(DeadLetterReason.AMOUNT_OUT_OF_RANGE, line(i, item) + " has unit price " + describe(price)
                    + ", more than " + EventLimits.MAX_UNIT_PRICE, lineItem(i, "unitPrice"));
        }
        // A scale within the limit needs no stripping (the schema's decimals have the limit's scale).
        if (price.scale() > EventLimits.MONEY_SCALE && price.stripTrailingZeros().scale() > EventLimits.MONEY_SCALE) {
            return new Rejection(DeadLetterReason.PRICE_TOO_PRECISE, line(i, item) + " has unit price " + describe(price)
                    + ", more than " + EventLimits.MONEY_SCALE + " decimal places", lineItem(i, "unitPrice"));
        }
        return null;
    }

    /** Field {@code field} of line item {@code i}, as a rejection names it. */
    private static String lineItem(int i, String field) {
        return LINE_ITEMS + "[" + i + "]." + field;
    }

    /** A line item as a detail names it. */
    private static String line(int i, LineItem item) {
        return "line item " + i + " (" + item.getProductId() + ")";
    }

    /** A price for a detail: never the thousands of digits a hostile unscaled value can have. */
    private static String describe(BigDecimal price) {
        if (price == null) {
            return "null";
        }
        String text = price.precision() <= 40 ? price.toString() : price.round(new MathContext(20)) + " (rounded)";
        return text.length() <= 60 ? text : text.substring(0, 60) + "…";
    }
}
