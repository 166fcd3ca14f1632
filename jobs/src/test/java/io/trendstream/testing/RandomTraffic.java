package io.trendstream.testing;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded, realistic-looking orders and views for one window: the same seed gives the same events. */
public final class RandomTraffic {
    private static final String[] PRICES = {"1.99", "4.50", "9.99", "19.99", "24.00", "99.95"};

    private final Random random;
    private final int products;
    private final int users;

    public RandomTraffic(long seed, int products, int users) {
        this.random = new Random(seed);
        this.products = products;
        this.users = users;
    }

    /** One event: an order (a third) or a view, in event-time order within the window. */
    public sealed interface Event permits Order, View {
        long eventTime();
    }

    public record Order(OrderEvent event) implements Event {
        public long eventTime() {
            return event.getEventTime().toEpochMilli();
        }
    }

    public record View(ProductView event) implements Event {
        public long eventTime() {
            return event.getEventTime().toEpochMilli();
        }
    }

    public List<Event> window(String prefix, long windowStart, long windowMillis, int events) {
        List<Event> out = new ArrayList<>(events);
        long step = Math.max(1, (windowMillis - 1_000) / events);
        for (int i = 0; i < events; i++) {
            long time = windowStart + i * step;
            String user = "u" + random.nextInt(users);
            if (random.nextInt(3) == 0) {
                int lines = 1 + random.nextInt(3);
                LineItem[] items = new LineItem[lines];
                for (int l = 0; l < lines; l++) {
                    items[l] = Events.line(product(), 1 + random.nextInt(4), PRICES[random.nextInt(PRICES.length)]);
                }
                out.add(new Order(Events.order(prefix + "-o" + i, user, time, items)));
            } else {
                out.add(new View(Events.view(prefix + "-v" + i, user, product(), time)));
            }
        }
        return out;
    }

    private String product() {
        return "p" + random.nextInt(products);
    }
}
