package io.trendstream.gateway.live;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * The live stream's recent history, so that a client that reconnects misses nothing: every published event gets the
 * next sequence number and is kept among the last {@code capacity} events. Event ids are {@code <epoch>-<sequence>},
 * the epoch being this gateway process's start, so an id from before a restart is recognised as such.
 *
 * <p>{@link #subscribe} replays what came after the client's Last-Event-ID and registers the client under one lock,
 * so no event falls between replay and live delivery. When the history cannot cover the gap (an id of another
 * epoch, or older than the oldest kept event) the replay is a single {@code reset} event: the client should reload
 * its state over the query API.
 */
public final class LiveEventLog {

    /** The event a client receives when its Last-Event-ID cannot be resumed from. */
    public static final String RESET = "reset";

    private final String epoch;
    private final int capacity;
    private final Deque<Sequenced> history = new ArrayDeque<>(); // guarded by this
    private final Set<Consumer<LiveEvent>> subscribers = new CopyOnWriteArraySet<>();
    private long sequence; // guarded by this

    private record Sequenced(long sequence, LiveEvent event) {}

    public LiveEventLog(String epoch, int capacity) {
        if (epoch.contains("-") || capacity < 1) {
            throw new IllegalArgumentException("epoch without '-' and capacity >= 1 required");
        }
        this.epoch = epoch;
        this.capacity = capacity;
    }

    /** Appends an event and hands it to every subscriber (which must not block: enqueue, don't write). */
    public synchronized LiveEvent publish(String type, String data) {
        LiveEvent event = new LiveEvent(epoch + "-" + ++sequence, type, data);
        history.addLast(new Sequenced(sequence, event));
        if (history.size() > capacity) {
            history.removeFirst();
        }
        subscribers.forEach(s -> s.accept(event));
        return event;
    }

    /**
     * Registers a subscriber and returns what it missed since {@code lastEventId} (null or empty: a new client, which
     * gets nothing from the past).
     */
    public synchronized List<LiveEvent> subscribe(String lastEventId, Consumer<LiveEvent> subscriber) {
        subscribers.add(subscriber);
        if (lastEventId == null || lastEventId.isEmpty()) {
            return List.of();
        }
        long resumeAfter = resumableSequence(lastEventId);
        if (resumeAfter < 0) {
            return List.of(new LiveEvent(epoch + "-" + sequence, RESET,
                    "{\"reason\":\"the events after " + quoteSafe(lastEventId)
                            + " are no longer kept (or the gateway restarted): reload over the query API\"}"));
        }
        List<LiveEvent> missed = new ArrayList<>();
        for (Sequenced kept : history) {
            if (kept.sequence() > resumeAfter) {
                missed.add(kept.event());
            }
        }
        return missed;
    }

    public void unsubscribe(Consumer<LiveEvent> subscriber) {
        subscribers.remove(subscriber);
    }

    /** The sequence to resume after, or -1 when the history does not reach back to it. */
    private long resumableSequence(String lastEventId) {
        int dash = lastEventId.lastIndexOf('-');
        if (dash < 0 || !lastEventId.substring(0, dash).equals(epoch)) {
            return -1;
        }
        long last;
        try {
            last = Long.parseLong(lastEventId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
        long oldestKept = history.isEmpty() ? sequence + 1 : history.peekFirst().sequence();
        // resumable if every event after `last` is still kept, and `last` was ever issued
        return last > sequence || last < oldestKept - 1 ? -1 : last;
    }

    private static String quoteSafe(String id) {
        return id.replaceAll("[^A-Za-z0-9_-]", "?");
    }
}
