package io.trendstream.functions;

import io.trendstream.events.Product;
import io.trendstream.records.CatalogChange;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * The catalog as broadcast state, the one place that says how a change applies and what a product is called. Every
 * enrichment operator keeps its own copy, the same on each of its subtasks: Flink checkpoints it and hands it to every
 * subtask on a restore at any parallelism. Products are kept as Avro records, whose serializer follows schema
 * evolution, so a savepoint restores after a field is added to {@link Product}.
 */
public final class ProductCatalog {

    /** Product id to product. The name is part of savepoints. */
    public static final MapStateDescriptor<String, Product> STATE =
            new MapStateDescriptor<>("product-catalog", Types.STRING, new AvroTypeInfo<>(Product.class));

    private ProductCatalog() {}

    static void apply(BroadcastState<String, Product> catalog, CatalogChange change) throws Exception {
        if (change.isRemoval()) {
            catalog.remove(change.productId());
        } else {
            // Broadcast state lives on the heap as the object given, and with object reuse the network stack may
            // deserialize the next record into this one: keep a copy.
            catalog.put(change.productId(), Product.newBuilder(change.product()).build());
        }
    }

    /** The product as the catalog has it now, or null when it is not in the catalog. */
    static Product lookup(ReadOnlyBroadcastState<String, Product> catalog, String productId) throws Exception {
        return catalog.get(productId);
    }

    /** The name to show: empty for a product not in the catalog, or one without a name. */
    public static String nameOf(Product product) {
        return product == null || product.getName() == null ? "" : product.getName();
    }

    /** The category to show: empty for a product not in the catalog, or one without a category. */
    public static String categoryOf(Product product) {
        return product == null || product.getCategory() == null ? "" : product.getCategory();
    }
}
