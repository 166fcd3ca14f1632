package io.trendstream.generator;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;

/**
 * The shape of the traffic: which products and users exist, what a product costs, and how an order or a view is
 * drawn from a {@link Random}. Fills one reused {@link OrderEvent} or {@link ProductView} at a time (the generator
 * encodes it before drawing the next), and keeps the drawn facts as plain ints for the manifest's arithmetic.
 * Not thread-safe.
 */
final class Traffic {

    /** A quarter of the events are orders, the rest views. */
    static final int ORDER_ONE_IN = 4;
    static final int MAX_LINES = 3;
    static final int MAX_QUANTITY = 4;
    private static final String[] CHANNELS = {"web", "app", "store"};
    private static final long SESSION_MILLIS = 30 * 60_000L;

    private final String[] productIds;
    private final byte[][] productKeys;
    private final String[] userIds;
    private final long[] priceCents;
    private final BigDecimal[] prices;

    private final OrderEvent order = new OrderEvent();
    private final ProductView view = new ProductView();
    private final LineItem[] lineItems = new LineItem[MAX_LINES];
    private final List<LineItem> lines = new ArrayList<>(MAX_LINES);

    // The drawn event, as numbers.
    private int user;
    private int lineCount;
    private final int[] lineProducts = new int[MAX_LINES];
    private final int[] lineQuantities = new int[MAX_LINES];
    private int viewProduct;

    /** Prices are drawn once per product from {@code seed}, so the same seed gives the same catalogue. */
    Traffic(int products, int users, long seed) {
        productIds = new String[products];
        productKeys = new byte[products][];
        priceCents = new long[products];
        prices = new BigDecimal[products];
        Random catalogue = new Random(seed ^ 0x5DEECE66DL);
        for (int p = 0; p < products; p++) {
            productIds[p] = "p" + p;
            productKeys[p] = productIds[p].getBytes(StandardCharsets.UTF_8);
            priceCents[p] = 99 + catalogue.nextInt(19_900); // 0.99 .. 199.98
            prices[p] = BigDecimal.valueOf(priceCents[p], 2);
        }
        userIds = new String[users];
        for (int u = 0; u < users; u++) {
            userIds[u] = "u" + u;
        }
        for (int i = 0; i < MAX_LINES; i++) {
            lineItems[i] = new LineItem();
        }
        order.setCurrency("EUR");
    }

    int products() {
        return productIds.length;
    }

    int users() {
        return userIds.length;
    }

    String productId(int product) {
        return productIds[product];
    }

    /** The record key of a product's events: its id in UTF-8 (shared array, never modified). */
    byte[] productKey(int product) {
        return productKeys[product];
    }

    String userId(int user) {
        return userIds[user];
    }

    long priceCents(int product) {
        return priceCents[product];
    }

    boolean nextIsOrder(Random random) {
        return random.nextInt(ORDER_ONE_IN) == 0;
    }

    /** An order of 1 to 3 lines of random products (a product may repeat), by a random user. */
    OrderEvent order(Random random, String eventId, String orderId, long eventTime) {
        user = random.nextInt(userIds.length);
        lineCount = 1 + random.nextInt(MAX_LINES);
        for (int i = 0; i < lineCount; i++) {
            lineProducts[i] = random.nextInt(productIds.length);
            lineQuantities[i] = 1 + random.nextInt(MAX_QUANTITY);
        }
        return fillOrder(random, eventId, orderId, eventTime);
    }

    /**
     * A new order by a random user with only the lines of {@code product} of the order drawn last: what a spike adds
     * (the same units and revenue for that product, nothing for the others).
     */
    OrderEvent copyOfProductLines(Random random, int product, String eventId, String orderId, long eventTime) {
        int kept = 0;
        for (int i = 0; i < lineCount; i++) {
            if (lineProducts[i] == product) {
                lineProducts[kept] = product;
                lineQuantities[kept] = lineQuantities[i];
                kept++;
            }
        }
        if (kept == 0) {
            throw new IllegalStateException("The last order has no line of " + productIds[product]);
        }
        lineCount = kept;
        user = random.nextInt(userIds.length);
        return fillOrder(random, eventId, orderId, eventTime);
    }

    /** Puts back the numbers of an order drawn earlier (before {@link #copyOfProductLines} cut it down). */
    void restoreOrder(int[] products, int[] quantities, int orderUser) {
        lineCount = products.length;
        System.arraycopy(products, 0, lineProducts, 0, products.length);
        System.arraycopy(quantities, 0, lineQuantities, 0, quantities.length);
        user = orderUser;
    }

    /** A well-formed order with one line of quantity 0: the job must dead-letter it. */
    OrderEvent zeroQuantityOrder(Random random, String eventId, String orderId, long eventTime) {
        user = random.nextInt(userIds.length);
        lineCount = 1;
        lineProducts[0] = random.nextInt(productIds.length);
        lineQuantities[0] = 0;
        return fillOrder(random, eventId, orderId, eventTime);
    }

    /** A view of a random product by a random user. */
    ProductView view(Random random, String eventId, long eventTime) {
        return view(random, random.nextInt(productIds.length), eventId, eventTime);
    }

    /** A view of {@code product} by a random user. */
    ProductView view(Random random, int product, String eventId, long eventTime) {
        user = random.nextInt(userIds.length);
        viewProduct = product;
        view.setEventId(eventId);
        view.setUserId(userIds[user]);
        view.setProductId(productIds[product]);
        view.setSessionId("s-" + userIds[user] + "-" + Math.floorDiv(eventTime, SESSION_MILLIS));
        view.setEventTime(Instant.ofEpochMilli(eventTime));
        return view;
    }

    /** A well-formed view without a product id: the job must dead-letter it. */
    ProductView viewWithoutProduct(Random random, String eventId, long eventTime) {
        ProductView v = view(random, eventId, eventTime);
        v.setProductId(null);
        viewProduct = -1;
        return v;
    }

    private OrderEvent fillOrder(Random random, String eventId, String orderId, long eventTime) {
        lines.clear();
        for (int i = 0; i < lineCount; i++) {
            LineItem item = lineItems[i];
            item.setProductId(productIds[lineProducts[i]]);
            item.setQuantity(lineQuantities[i]);
            item.setUnitPrice(prices[lineProducts[i]]);
            lines.add(item);
        }
        order.setEventId(eventId);
        order.setOrderId(orderId);
        order.setUserId(userIds[user]);
        order.setLineItems(lines);
        order.setEventTime(Instant.ofEpochMilli(eventTime));
        order.setChannel(CHANNELS[random.nextInt(CHANNELS.length)]);
        return order;
    }

    // ---- the event drawn last, as numbers

    int user() {
        return user;
    }

    int lineCount() {
        return lineCount;
    }

    int lineProduct(int line) {
        return lineProducts[line];
    }

    int lineQuantity(int line) {
        return lineQuantities[line];
    }

    /** Whether no earlier line of the order drawn last has the same product: an order counts once per product. */
    boolean isFirstLineOfItsProduct(int line) {
        for (int i = 0; i < line; i++) {
            if (lineProducts[i] == lineProducts[line]) {
                return false;
            }
        }
        return true;
    }

    /** The product of the view drawn last; -1 for a view without one. */
    int viewProduct() {
        return viewProduct;
    }

    /** The key of the order drawn last: its first line's product. */
    byte[] orderKey() {
        return productKeys[lineProducts[0]];
    }
}
