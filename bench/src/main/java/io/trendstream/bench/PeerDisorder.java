package io.trendstream.bench;


import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures, right before the window aggregate, how far behind its task's stream time each bundle arrives: the
 * disorder Kafka Streams sees after the repartition by product. For each record, the grace it would need to be
 * counted is (stream time so far) - (end of its window) + 1, where stream time is the newest record timestamp the
 * task has processed: exactly what the window processor compares against (one instance per task, same records in
 * the same order). Records whose need exceeds the configured grace are the ones the window drops as late. Pass-through
 * otherwise; no state, no effect on the results.
 */
final class PeerDisorder {
    private final long windowSizeMillis;
    private final long graceMillis;
    private final AtomicLong maxGraceNeeded = new AtomicLong(0);
    private final AtomicLong maxLateness = new AtomicLong(0);
    private final AtomicLong tooLate = new AtomicLong(0);
    private final AtomicLong seen = new AtomicLong(0);

    PeerDisorder(long windowSizeMillis, long graceMillis) {
        this.windowSizeMillis = windowSizeMillis;
        this.graceMillis = graceMillis;
    }

    FixedKeyProcessor<String, PeerBundle, PeerBundle> probe() {
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, PeerBundle> context;
            private long streamTime = Long.MIN_VALUE;

            @Override
            public void init(FixedKeyProcessorContext<String, PeerBundle> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<String, PeerBundle> record) {
                seen.addAndGet(record.value().size());
                long ts = record.timestamp();
                if (ts >= streamTime) {
                    streamTime = ts;
                } else {
                    maxLateness.accumulateAndGet(streamTime - ts, Math::max);
                    long windowEnd = PeerBundle.windowStart(ts, windowSizeMillis) + windowSizeMillis;
                    long needed = streamTime - windowEnd + 1;
                    if (needed > 0) {
                        maxGraceNeeded.accumulateAndGet(needed, Math::max);
                        if (needed > graceMillis) {
                            tooLate.incrementAndGet();
                        }
                    }
                }
                context.forward(record);
            }
        };
    }

    /** For the report: the disorder measured and what the grace made of it. */
    String summary() {
        return String.format(java.util.Locale.ROOT,
                "disorder at the window stage: records up to %.1f s behind stream time, grace needed %.1f s"
                        + " (configured %.1f s), %d records later than grace (dropped)",
                maxLateness.get() / 1000.0, maxGraceNeeded.get() / 1000.0, graceMillis / 1000.0, tooLate.get());
    }

    /** Activities (in bundles, duplicates included) that reached the window stage so far. */
    long seen() {
        return seen.get();
    }
}
