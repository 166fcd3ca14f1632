package io.trendstream.records;

import io.trendstream.events.DeadLetter;

/**
 * What a Kafka source emits for one record: the decoded event, or the dead letter that explains
 * why it could not be decoded. Decoding never throws, so one bad record cannot fail the job.
 */
public final class Ingested<T> {
    private T event;
    private DeadLetter deadLetter;

    /** For Flink's POJO serializer. */
    public Ingested() {}

    private Ingested(T event, DeadLetter deadLetter) {
        this.event = event;
        this.deadLetter = deadLetter;
    }

    public static <T> Ingested<T> of(T event) {
        return new Ingested<>(event, null);
    }

    public static <T> Ingested<T> failed(DeadLetter deadLetter) {
        return new Ingested<>(null, deadLetter);
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
