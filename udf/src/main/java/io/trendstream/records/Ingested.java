package io.trendstream.records;

import io.trendstream.events.DeadLetter;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

import org.apache.avro.specific.SpecificRecordBase;

import java.util.Map;

/**
 * What a Kafka source emits for one record: the decoded, valid event with its event time, or the
 * dead letter that says why the record cannot be used. Decoding never throws for bad input, so one
 * bad record cannot fail the job.
 */
public final class Ingested<T> {
    /** Timestamp of dead letters: never advances a watermark. */
    public static final long NO_EVENT_TIME = Long.MIN_VALUE;

    private T event;
    private long eventTime = NO_EVENT_TIME;
    private DeadLetter deadLetter;

    /** For Flink's POJO serializer. */
    public Ingested() {}

    private Ingested(T event, long eventTime, DeadLetter deadLetter) {
        this.event = event;
        this.eventTime = eventTime;
        this.deadLetter = deadLetter;
    }

    public static <T> Ingested<T> of(T event, long eventTime) {
        return new Ingested<>(event, eventTime, null);
    }

    public static <T> Ingested<T> failed(DeadLetter deadLetter) {
        return new Ingested<>(null, NO_EVENT_TIME, deadLetter);
    }

    /** Flink type information for an ingested Avro event, serialized without Kryo. */
    public static <T extends SpecificRecordBase> TypeInformation<Ingested<T>> typeInfo(Class<T> eventClass) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeInformation<Ingested<T>> info = (TypeInformation) Types.POJO(Ingested.class, Map.of(
                "event", new AvroTypeInfo<>(eventClass),
                "eventTime", Types.LONG,
                "deadLetter", new AvroTypeInfo<>(DeadLetter.class)));
        return info;
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    public T getEvent() {
        return event;
    }

    public void setEvent(T event) {
        this.event = event;
    }

    public long getEventTime() {
        return eventTime;
    }

    public void setEventTime(long eventTime) {
        this.eventTime = eventTime;
    }

    public DeadLetter getDeadLetter() {
        return deadLetter;
    }

    public void setDeadLetter(DeadLetter deadLetter) {
        this.deadLetter = deadLetter;
    }

    @Override
    public String toString() {
        return isDeadLetter() ? "Ingested{deadLetter=" + deadLetter.getReason() + "}" : "Ingested{" + event + "}";
    }
}
