package io.trendstream.generator;

import java.util.Objects;

/**
 * A burst of traffic: in the {@code windowIndex}-th window of the run (0 = the window holding the first event),
 * product {@code productId} gets {@code factor} times its usual orders and views.
 *
 * @param productId e.g. {@code p7}
 * @param windowIndex counted from the window that holds the run's first event
 * @param factor at least 1; a fractional part adds one more copy with that probability
 */
public record Spike(String productId, int windowIndex, double factor) {

    public Spike {
        Objects.requireNonNull(productId, "productId");
        if (!productId.matches("p\\d+")) {
            throw new IllegalArgumentException("A spike's product must be a product id like p7, got '" + productId + "'");
        }
        if (windowIndex < 0) {
            throw new IllegalArgumentException("A spike's window index must not be negative, got " + windowIndex);
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("A spike's factor must be a number >= 1, got " + factor);
        }
    }

    /** Parses {@code product:windowIndex:factor}, e.g. {@code p7:3:4.0}. */
    public static Spike parse(String text) {
        String[] parts = Objects.requireNonNull(text, "text").split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("A spike is product:windowIndex:factor (e.g. p7:3:4.0), got '" + text + "'");
        }
        int window;
        double factor;
        try {
            window = Integer.parseInt(parts[1].trim());
            factor = Double.parseDouble(parts[2].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("A spike is product:windowIndex:factor (e.g. p7:3:4.0), got '" + text + "'");
        }
        return new Spike(parts[0].trim(), window, factor);
    }

    /** The index of the product, e.g. 7 for {@code p7}. */
    public int productIndex() {
        return Integer.parseInt(productId.substring(1));
    }

    @Override
    public String toString() {
        return productId + ":" + windowIndex + ":" + factor;
    }
}
