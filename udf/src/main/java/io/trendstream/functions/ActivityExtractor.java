package io.trendstream.functions;

import io.trendstream.records.ActivitySink;

import java.io.Serializable;

/** How an event is activity on products: it gives each of its activities to a sink, in order. */
@FunctionalInterface
public interface ActivityExtractor<T> extends Serializable {

    void extract(T event, ActivitySink activities);
}
