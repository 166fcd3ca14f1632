package io.trendstream.gateway.ingest;

import java.util.List;

/** A request the gateway answers with an error status and a JSON body of {@code error}, {@code message} and details. */
public final class IngestException extends RuntimeException {

    private final int status;
    private final String error;
    private final List<InvalidEvent> invalidEvents;

    private IngestException(int status, String error, String message, List<InvalidEvent> invalidEvents) {
        super(message, null, false, false); // a stack trace says nothing about a client's mistake
        this.status = status;
        this.error = error;
        this.invalidEvents = List.copyOf(invalidEvents);
    }

    /** 400: events that the job would dead-letter, or JSON that is not an event. Nothing of the request was sent. */
    public static IngestException invalid(List<InvalidEvent> events) {
        InvalidEvent first = events.get(0);
        String where = first.field() == null ? "" : first.field() + ": ";
        String message = (events.size() == 1 ? "" : events.size() + " invalid events, the first (index " + first.index() + "): ")
                + where + first.message();
        return new IngestException(400, "invalid_event", message, events);
    }

    /** 400 for the request as a whole (unreadable JSON, an empty body, a bad header). */
    public static IngestException badRequest(String error, String message) {
        return new IngestException(400, error, message, List.of());
    }

    public static IngestException tooLarge(String message) {
        return new IngestException(413, "too_large", message, List.of());
    }

    public static IngestException unsupportedMediaType(String message) {
        return new IngestException(415, "unsupported_media_type", message, List.of());
    }

    public static IngestException unauthorized() {
        return new IngestException(401, "unauthorized", "Ingest needs the gateway's API key in the X-API-Key header", List.of());
    }

    /** 503: a dependency is down; {@code error} names it ({@code kafka_unavailable}, {@code schema_registry_unavailable}). */
    public static IngestException unavailable(String error, String message) {
        return new IngestException(503, error, message, List.of());
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public List<InvalidEvent> invalidEvents() {
        return invalidEvents;
    }
}
