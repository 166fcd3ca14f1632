package io.trendstream.generator;

import java.util.ArrayList;
import java.util.List;

/** Keeps what the generator sends, in order, and which records each commit covered. */
class InMemorySink implements RecordSink {

    /** One record as sent. */
    record Sent(String topic, byte[] key, byte[] value) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private int committed;
    private int commits;
    private boolean closed;

    @Override
    public void send(String topic, byte[] key, byte[] value) {
        if (closed) {
            throw new IllegalStateException("send after close");
        }
        sent.add(new Sent(topic, key, value));
    }

    @Override
    public void commit() {
        committed = sent.size();
        commits++;
    }

    @Override
    public void close() {
        closed = true;
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Records covered by a commit. */
    int committed() {
        return committed;
    }

    int commits() {
        return commits;
    }
}
