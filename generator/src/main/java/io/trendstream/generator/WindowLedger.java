package io.trendstream.generator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Adds up the events that count, per product and tumbling window, the way the job does: an order counts once for
 * each product it contains (with all of that product's lines), revenue is exact in cents, and a window's distinct
 * users are those who ordered or viewed the product in it. Only takes events at or after the first window's start
 * (late events are never added). Not thread-safe.
 */
final class WindowLedger {

    private final long firstWindowStart;
    private final long windowMillis;
    private final int products;
    private final List<Cell[]> windows = new ArrayList<>();

    WindowLedger(long firstWindowStart, long windowMillis, int products) {
        this.firstWindowStart = firstWindowStart;
        this.windowMillis = windowMillis;
        this.products = products;
    }

    /** The order drawn last by {@code traffic}. */
    void countOrder(Traffic traffic, long eventTime) {
        int lines = traffic.lineCount();
        for (int i = 0; i < lines; i++) {
            int product = traffic.lineProduct(i);
            Cell cell = cell(product, eventTime);
            if (traffic.isFirstLineOfItsProduct(i)) {
                cell.orders++;
            }
            int quantity = traffic.lineQuantity(i);
            cell.units += quantity;
            cell.revenueCents += quantity * traffic.priceCents(product);
            cell.users.set(traffic.user());
        }
    }

    /** The view drawn last by {@code traffic}. */
    void countView(Traffic traffic, long eventTime) {
        Cell cell = cell(traffic.viewProduct(), eventTime);
        cell.views++;
        cell.users.set(traffic.user());
    }

    /** Rows for every product and window with activity, by window start then product index. */
    List<WindowCount> rows(Traffic traffic) {
        List<WindowCount> rows = new ArrayList<>();
        for (int w = 0; w < windows.size(); w++) {
            Cell[] cells = windows.get(w);
            for (int p = 0; p < products; p++) {
                Cell c = cells[p];
                if (c != null) {
                    rows.add(new WindowCount(traffic.productId(p), firstWindowStart + w * windowMillis, c.orders,
                            c.units, BigDecimal.valueOf(c.revenueCents, 2), c.views, c.users.cardinality()));
                }
            }
        }
        return rows;
    }

    private Cell cell(int product, long eventTime) {
        long offset = eventTime - firstWindowStart;
        if (offset < 0) {
            throw new IllegalArgumentException("Event time " + eventTime + " is before the first window " + firstWindowStart);
        }
        int window = Math.toIntExact(offset / windowMillis);
        while (windows.size() <= window) {
            windows.add(new Cell[products]);
        }
        Cell[] cells = windows.get(window);
        Cell cell = cells[product];
        if (cell == null) {
            cell = new Cell();
            cells[product] = cell;
        }
        return cell;
    }

    private static final class Cell {
        long orders;
        long units;
        long revenueCents;
        long views;
        final BitSet users = new BitSet();
    }
}
