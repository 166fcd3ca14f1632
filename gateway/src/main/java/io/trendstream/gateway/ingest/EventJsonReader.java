package io.trendstream.gateway.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the events of a request body with Jackson's streaming parser (no tree, no reflection): one JSON object, a
 * JSON array of objects, or NDJSON (objects separated by newlines). Each event is read by an {@link ObjectReader},
 * which knows its fields; a problem with one event (a wrong type, an unknown field) is recorded and the reader moves
 * on to the next, so that a batch is answered with all of its problems at once. Unreadable JSON ends the request.
 *
 * @param <T> the event type
 */
final class EventJsonReader<T> {

    /** Reads one event's object; the parser stands on its {@code START_OBJECT}. */
    interface ObjectReader<T> {
        T read(JsonParser parser, String path) throws IOException;
    }

    /** One event of the body: the event, or why it could not be read. */
    record Read<T>(T event, InvalidEvent problem) {}

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final ObjectReader<T> objectReader;

    EventJsonReader(ObjectReader<T> objectReader) {
        this.objectReader = objectReader;
    }

    /**
     * The events of {@code body}, at most {@code maxEvents} of them.
     *
     * @param ndjson whether the body is NDJSON; otherwise an object or an array
     * @return the events in order, and whether the body was a batch (array or NDJSON)
     * @throws IngestException 400 for unreadable JSON or an empty body, 413 for more than {@code maxEvents}
     */
    Body<T> read(byte[] body, boolean ndjson, int maxEvents) {
        List<Read<T>> events = new ArrayList<>();
        boolean batch = ndjson;
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw IngestException.badRequest("empty_body", "The request has no body: send a JSON object, an array of them or NDJSON");
            }
            if (!ndjson && first == JsonToken.START_ARRAY) {
                batch = true;
                JsonToken token;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (token == null) {
                        throw IngestException.badRequest("malformed_json", "The JSON array is not closed");
                    }
                    readOne(parser, events, maxEvents);
                }
                if (parser.nextToken() != null) {
                    throw IngestException.badRequest("malformed_json", "Unexpected content after the JSON array at "
                            + location(parser));
                }
            } else {
                for (JsonToken token = first; token != null; token = parser.nextToken()) {
                    if (!ndjson && !events.isEmpty()) {
                        throw IngestException.badRequest("malformed_json", "Unexpected content after the JSON object at "
                                + location(parser) + " (several events: send a JSON array, or NDJSON with Content-Type"
                                + " application/x-ndjson)");
                    }
                    readOne(parser, events, maxEvents);
                }
            }
        } catch (StreamConstraintsException e) {
            throw IngestException.tooLarge("A value of the request is too large: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw IngestException.badRequest("malformed_json", "The body is not valid JSON: " + e.getOriginalMessage()
                    + " at " + location(e.getProcessor()));
        } catch (IOException e) {
            throw IngestException.badRequest("malformed_json", "The body could not be read: " + e.getMessage());
        }
        if (events.isEmpty()) {
            throw IngestException.badRequest("empty_body", "The batch has no events");
        }
        return new Body<>(events, batch);
    }

    /** The events of a body and whether it was a batch. */
    record Body<T>(List<Read<T>> events, boolean batch) {}

    private void readOne(JsonParser parser, List<Read<T>> events, int maxEvents) throws IOException {
        int index = events.size();
        if (index >= maxEvents) {
            throw IngestException.tooLarge("A batch holds at most " + maxEvents + " events (gateway.ingest.max-batch-events)");
        }
        String path = "";
        // On a START_OBJECT the parser is already in the object's context: the event's container is its parent.
        JsonStreamContext container = parser.currentToken().isStructStart()
                ? parser.getParsingContext().getParent() : parser.getParsingContext();
        try {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw FieldProblem.wrongType(path.isEmpty() ? "(event)" : path, "must be a JSON object");
            }
            events.add(new Read<>(objectReader.read(parser, path), null));
        } catch (FieldProblem problem) {
            events.add(new Read<>(null, new InvalidEvent(index, problem.field, problem.reason, problem.getMessage())));
            skipTo(parser, container);
        }
    }

    /** Skips the rest of a value that could not be read, up to where the next event starts. */
    private static void skipTo(JsonParser parser, JsonStreamContext container) throws IOException {
        if (parser.currentToken() != null && parser.currentToken().isStructStart()) {
            parser.skipChildren();
        }
        while (parser.getParsingContext() != container) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return;
            }
            if (token.isStructStart()) {
                parser.skipChildren();
            }
        }
    }

    private static String location(JsonParser parser) {
        if (parser == null) {
            return "an unknown position";
        }
        var location = parser.currentLocation();
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    // ---------------------------------------------------------------- field readers for the ObjectReaders

    /** A string, or null for JSON null. */
    static String text(JsonParser parser, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw FieldProblem.wrongType(field, "must be a string");
        }
        return parser.getText();
    }

    /** An int; out of int's range is beyond every limit of the rules. */
    static int integer(JsonParser parser, String field, long limit) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw FieldProblem.wrongType(field, "must be an integer");
        }
        if (parser.getNumberType() != JsonParser.NumberType.INT) {
            throw new FieldProblem(field, "AMOUNT_OUT_OF_RANGE", field + " is " + parser.getText() + ", more than " + limit);
        }
        return parser.getIntValue();
    }

    /** A number as an exact decimal, as written (99.90 stays 99.90). */
    static BigDecimal decimal(JsonParser parser, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw FieldProblem.wrongType(field, "must be a number");
        }
        return parser.getDecimalValue();
    }

    /** An ISO-8601 instant with an offset ({@code 2026-11-30T12:00:00Z}), or epoch milliseconds; null for JSON null. */
    static Instant instant(JsonParser parser, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            if (parser.getNumberType() != JsonParser.NumberType.INT && parser.getNumberType() != JsonParser.NumberType.LONG) {
                throw new FieldProblem(field, "EVENT_TIME_OUT_OF_RANGE", field + " " + parser.getText() + " is not a time");
            }
            return Instant.ofEpochMilli(parser.getLongValue());
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return OffsetDateTime.parse(parser.getText()).toInstant();
            } catch (DateTimeParseException e) {
                throw FieldProblem.wrongType(field, "must be an ISO-8601 time with an offset, e.g. 2026-11-30T12:00:00Z,"
                        + " or epoch milliseconds");
            }
        }
        throw FieldProblem.wrongType(field, "must be an ISO-8601 time string or epoch milliseconds");
    }

    /** The field names an event may have, for the message about one it may not. */
    static FieldProblem unknownField(String field, List<String> known) {
        return new FieldProblem(field, "UNKNOWN_FIELD", "Unknown field " + field + " (known: " + String.join(", ", known) + ")");
    }

    /** A problem with one field of one event. */
    static final class FieldProblem extends IOException {
        final String field;
        final String reason;

        FieldProblem(String field, String reason, String message) {
            super(message, null);
            this.field = field;
            this.reason = reason;
        }

        static FieldProblem wrongType(String field, String requirement) {
            return new FieldProblem(field, "WRONG_TYPE", field + " " + requirement);
        }

        static FieldProblem missing(String field) {
            return new FieldProblem(field, "MISSING_FIELD", field + " is required");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a client's mistake: no stack trace needed
        }
    }
}
