package io.trendstream.functions;

import io.trendstream.events.Product;
import io.trendstream.records.DeadLetterReason;

import java.math.BigDecimal;

/**
 * A catalog record needs a product id; its name and category, when present, must be text the database can store;
 * its list price, when present, positive and within a unit price's bounds; its update time one the database can
 * hold. The update time is the catalog owner's clock, not event time: it is not checked against the wall clock.
 */
public final class ProductRules implements EventRules<Product> {
    private static final long serialVersionUID = 1L;

    @Override
    public String eventId(Product product) {
        return product.getProductId();
    }

    @Override
    public long eventTime(Product product) {
        return product.getUpdatedAt().toEpochMilli();
    }

    @Override
    public Rejection validate(Product product, long nowMillis) {
        Rejection rejection = TextFields.required("productId", product.getProductId(),
                DeadLetterReason.MISSING_PRODUCT_ID, "catalog record has no productId");
        if (rejection == null) {
            rejection = TextFields.optional("name", product.getName());
        }
        if (rejection == null) {
            rejection = TextFields.optional("category", product.getCategory());
        }
        if (rejection == null) {
            rejection = checkListPrice(product);
        }
        if (rejection == null) {
            rejection = EventTimeBounds.check("updatedAt", product.getUpdatedAt(), nowMillis, Long.MAX_VALUE);
        }
        return rejection;
    }

    private static Rejection checkListPrice(Product product) {
        BigDecimal price = product.getListPrice();
        if (price == null) {
            return null;
        }
        if (price.signum() <= 0) {
            return new Rejection(DeadLetterReason.NON_POSITIVE_PRICE,
                    "product " + product.getProductId() + " has list price " + price.toPlainString(), "listPrice");
        }
        if (price.compareTo(EventLimits.MAX_UNIT_PRICE) > 0) {
            return new Rejection(DeadLetterReason.AMOUNT_OUT_OF_RANGE, "product " + product.getProductId()
                    + " has list price " + price.toPlainString() + ", more than " + EventLimits.MAX_UNIT_PRICE, "listPrice");
        }
        return null;
    }
}
