package io.trendstream.workflows;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.WindowStats;
import io.trendstream.records.CatalogChange;
import io.trendstream.records.LateEvent;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.io.Serializable;

/**
 * Where the pipeline's results go. The job attaches the exactly-once Kafka and database sinks;
 * tests attach whatever lets them observe the results.
 */
public record PipelineOutputs(
        SinkApplier<WindowAggregate> windowStats,
        SinkApplier<TrendAlert> alerts,
        SinkApplier<LateEvent> lateEvents,
        SinkApplier<DeadLetter> deadLetters,
        SinkApplier<WindowStats> windowStatsTopic,
        SinkApplier<CatalogChange> products) {

    /** Outputs that leave the window-stats topic and the products table out (tests of other outputs). */
    public PipelineOutputs(SinkApplier<WindowAggregate> windowStats, SinkApplier<TrendAlert> alerts,
                           SinkApplier<LateEvent> lateEvents, SinkApplier<DeadLetter> deadLetters) {
        this(windowStats, alerts, lateEvents, deadLetters, stream -> {}, stream -> {});
    }

    /** Attaches one or more sinks to a stream. */
    @FunctionalInterface
    public interface SinkApplier<T> extends Serializable {
        void apply(DataStream<T> stream);
    }
}
