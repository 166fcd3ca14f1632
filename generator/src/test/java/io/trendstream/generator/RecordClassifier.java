package io.trendstream.generator;

import java.time.Duration;
import java.util.Optional;

import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.functions.OrderEventRules;
import io.trendstream.functions.ProductViewRules;
import io.trendstream.functions.Rejection;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.serialization.DecodingException;

/**
 * Says what the job makes of a record: decodes it with the given decoder and applies the udf module's event rules,
 * so tests judge the generator's records by the job's own criteria.
 */
final class RecordClassifier {

    /** Decodes a record value of one topic; throws what the job's deserializer would. */
    interface Decoder {
        Object decode(String topic, byte[] value) throws Exception;
    }

    /** A decoded, valid event, or the dead-letter reason. */
    record Verdict(Object event, DeadLetterReason reason) {
        boolean valid() {
            return reason == null;
        }
    }

    private final Decoder decoder;
    private final OrderEventRules orderRules = new OrderEventRules(Duration.ofMinutes(5));
    private final ProductViewRules viewRules = new ProductViewRules(Duration.ofMinutes(5));

    RecordClassifier(Decoder decoder) {
        this.decoder = decoder;
    }

    Verdict classify(String topic, byte[] value) {
        Object event;
        try {
            event = decoder.decode(topic, value);
        } catch (Exception e) {
            Optional<DeadLetterReason> reason = DecodingException.deadLetterReasonOf(e);
            if (reason.isEmpty()) {
                throw new AssertionError("Decoding failed for a reason that is not the record's", e);
            }
            return new Verdict(null, reason.get());
        }
        long now = System.currentTimeMillis();
        Rejection rejection;
        if (event instanceof OrderEvent order) {
            rejection = orderRules.validate(order, now);
        } else if (event instanceof ProductView view) {
            rejection = viewRules.validate(view, now);
        } else {
            throw new AssertionError("Decoded to " + event);
        }
        return rejection == null ? new Verdict(event, null) : new Verdict(event, rejection.reason());
    }
}
