package io.trendstream.records;

import io.trendstream.events.Product;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

import java.util.Map;

/**
 * One record of the catalog topic: a product as it now is, or its removal (a tombstone, {@code product} null).
 *
 * @param productId the record's key, which is the product's id
 */
public record CatalogChange(String productId, Product product) {

    public static CatalogChange upsert(Product product) {
        return new CatalogChange(product.getProductId(), product);
    }

    public static CatalogChange removal(String productId) {
        return new CatalogChange(productId, null);
    }

    public boolean isRemoval() {
        return product == null;
    }

    /** Flink type information: a POJO with the product as Avro, so that neither needs Kryo. */
    public static TypeInformation<CatalogChange> typeInfo() {
        return Types.POJO(CatalogChange.class, Map.of(
                "productId", Types.STRING,
                "product", new AvroTypeInfo<>(Product.class)));
    }
}
