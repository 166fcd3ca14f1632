package io.trendstream.gateway.query;

import io.trendstream.functions.EventLimits;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Parses and checks the query API's request parameters; each failure is an {@link InvalidParameterException} naming
 * the parameter. Values arrive as the raw strings of the request (null when absent).
 */
public final class QueryParameters {

    /** Rows per page when the request gives no {@code limit}. */
    public static final int DEFAULT_LIMIT = 100;
    /** Most rows per page. */
    public static final int MAX_LIMIT = 1_000;

    private final Function<String, String> values;

    /** @param values the request's value of a parameter by name, null when absent */
    public QueryParameters(Function<String, String> values) {
        this.values = values;
    }

    public Optional<String> optional(String name) {
        String value = values.apply(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new InvalidParameterException(name, "required"));
    }

    /** An ISO-8601 instant with offset, e.g. {@code 2026-11-30T12:00:00Z}. */
    public Instant instant(String name) {
        return parseInstant(name, required(name));
    }

    public Optional<Instant> optionalInstant(String name) {
        return optional(name).map(v -> parseInstant(name, v));
    }

    /** {@code [from, to)}: both given, from before to. */
    public TimeRange range(String fromName, String toName) {
        Instant from = instant(fromName);
        Instant to = instant(toName);
        if (!from.isBefore(to)) {
            throw new InvalidParameterException(toName, "must be after " + fromName + " (" + from + ")");
        }
        return new TimeRange(from, to);
    }

    public int limit() {
        Optional<String> raw = optional("limit");
        if (raw.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(raw.get());
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("limit", "not an integer: '" + raw.get() + "'");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidParameterException("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        return limit;
    }

    public Optional<Cursor> cursor(int arity) {
        return optional("cursor").map(c -> Cursor.decode(c, arity));
    }

    /** One of the enum's constants, case-insensitively. */
    public <E extends Enum<E>> Optional<E> optionalEnum(String name, Class<E> type) {
        return optional(name).map(v -> {
            try {
                return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidParameterException(name, "must be one of " + Arrays.stream(type.getEnumConstants())
                        .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
                        + ", was '" + v + "'");
            }
        });
    }

    /** A product id as the job stores it: not empty, at most {@link EventLimits#MAX_TEXT_LENGTH} characters. */
    public static String productId(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidParameterException(name, "required");
        }
        if (value.length() > EventLimits.MAX_TEXT_LENGTH) {
            throw new InvalidParameterException(name, "longer than " + EventLimits.MAX_TEXT_LENGTH + " characters");
        }
        return value;
    }

    private static Instant parseInstant(String name, String value) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(name,
                    "not an ISO-8601 time with offset (e.g. 2026-11-30T12:00:00Z): '" + value + "'");
        }
        // The job stores nothing outside the event-time range, and the database's range is narrower than Java's.
        if (instant.isBefore(EventLimits.MIN_EVENT_TIME) || instant.isAfter(EventLimits.MAX_EVENT_TIME)) {
            throw new InvalidParameterException(name, "must be between " + EventLimits.MIN_EVENT_TIME + " and "
                    + EventLimits.MAX_EVENT_TIME + ", was " + value);
        }
        return instant;
    }

    /** A half-open time range {@code [from, to)}. */
    public record TimeRange(Instant from, Instant to) {}
}
