package io.trendstream.generator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The product catalog of a run: one entry per product with a seeded name and category and the product's price as its
 * list price, then the renames and removals asked for, in that order. {@link #records()} is what goes to the catalog
 * topic (a removal as a tombstone), {@link #entries()} the catalog that results: the oracle for names.
 */
final class Catalog {

    private static final String[] CATEGORIES = {"Computers", "Phones", "Audio", "Home", "Garden", "Toys", "Books", "Sports"};
    private static final String[] ADJECTIVES = {"Compact", "Classic", "Smart", "Ultra", "Eco", "Pro", "Mini", "Studio"};
    private static final String[] NOUNS = {"Laptop", "Speaker", "Lamp", "Kettle", "Headset", "Camera", "Backpack", "Watch"};

    /** One record of the catalog topic: a product, or (product null) the removal of the product {@code productId}. */
    record Change(String productId, CatalogEntry product) {
    }

    private final List<Change> records = new ArrayList<>();
    private final Map<String, CatalogEntry> entries = new LinkedHashMap<>();

    Catalog(Traffic traffic, long seed, Map<String, String> renames, List<String> removals) {
        Random random = new Random(seed * 31 + 101);
        for (int p = 0; p < traffic.products(); p++) {
            String id = traffic.productId(p);
            String name = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + NOUNS[random.nextInt(NOUNS.length)] + " " + p;
            put(new CatalogEntry(id, name, CATEGORIES[random.nextInt(CATEGORIES.length)],
                    BigDecimal.valueOf(traffic.priceCents(p), 2)));
        }
        renames.forEach((id, name) -> {
            CatalogEntry before = entries.get(id);
            if (before == null) {
                throw new IllegalArgumentException("cannot rename " + id + ": there are only products p0..p" + (traffic.products() - 1));
            }
            put(new CatalogEntry(id, name, before.category(), before.listPrice()));
        });
        for (String id : removals) {
            if (entries.remove(id) == null) {
                throw new IllegalArgumentException("cannot remove " + id + ": it is not in the catalog");
            }
            records.add(new Change(id, null));
        }
    }

    private void put(CatalogEntry entry) {
        entries.put(entry.productId(), entry);
        records.add(new Change(entry.productId(), entry));
    }

    List<Change> records() {
        return Collections.unmodifiableList(records);
    }

    Map<String, CatalogEntry> entries() {
        return Collections.unmodifiableMap(entries);
    }
}
