package io.trendstream.generator;

import java.math.BigDecimal;

/** A product as the catalog topic says it is at the end of the catalog the generator wrote: the job's oracle for names. */
public record CatalogEntry(String productId, String name, String category, BigDecimal listPrice) {
}
