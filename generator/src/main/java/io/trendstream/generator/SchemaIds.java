package io.trendstream.generator;

/** The registry ids of the writer schemas, registered once before the run. */
public record SchemaIds(int orderSchemaId, int viewSchemaId) {
}
