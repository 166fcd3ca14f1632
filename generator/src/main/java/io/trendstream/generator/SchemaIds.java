package io.trendstream.generator;

/** The registry ids of the writer schemas, registered once before the run. */
public record SchemaIds(int orderSchemaId, int viewSchemaId, int productSchemaId) {

    /** For runs that write no catalog. */
    public SchemaIds(int orderSchemaId, int viewSchemaId) {
        this(orderSchemaId, viewSchemaId, 0);
    }
}
