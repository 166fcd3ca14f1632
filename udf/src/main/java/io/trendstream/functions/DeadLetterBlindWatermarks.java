package io.trendstream.functions;

import io.trendstream.records.Ingested;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkAlignmentParams;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of a source of {@link Ingested} records that see only its valid events. A dead letter carries no event
 * time, so it must not advance the watermark; and it must not count as activity either: with
 * {@link WatermarkStrategy#withIdleness} every record keeps a partition active, so a partition that receives only
 * bad records would never go idle and would hold back the watermark of the whole job.
 */
public final class DeadLetterBlindWatermarks<T> implements WatermarkGenerator<Ingested<T>> {

    private final WatermarkGenerator<Ingested<T>> validEvents;

    private DeadLetterBlindWatermarks(WatermarkGenerator<Ingested<T>> validEvents) {
        this.validEvents = validEvents;
    }

    /** {@code strategy} (timestamps, out-of-orderness, idleness) applied to the valid events only. */
    public static <T> WatermarkStrategy<Ingested<T>> of(WatermarkStrategy<Ingested<T>> strategy) {
        return new WatermarkStrategy<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public WatermarkGenerator<Ingested<T>> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
                return new DeadLetterBlindWatermarks<>(strategy.createWatermarkGenerator(context));
            }

            @Override
            public TimestampAssigner<Ingested<T>> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
                return strategy.createTimestampAssigner(context);
            }

            @Override
            public WatermarkAlignmentParams getAlignmentParameters() {
                return strategy.getAlignmentParameters();
            }
        };
    }

    @Override
    public void onEvent(Ingested<T> record, long eventTimestamp, WatermarkOutput output) {
        if (!record.isDeadLetter()) {
            validEvents.onEvent(record, eventTimestamp, output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        validEvents.onPeriodicEmit(output);
    }
}
