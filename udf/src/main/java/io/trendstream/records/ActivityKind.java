package io.trendstream.records;

/** What a user did with a product. */
public enum ActivityKind {
    ORDER,
    VIEW
}
