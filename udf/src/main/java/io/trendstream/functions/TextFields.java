package io.trendstream.functions;

import io.trendstream.records.DeadLetterReason;

/**
 * The checks every string of an event passes before the database, the window state or an index sees it: at most
 * {@link EventLimits#MAX_TEXT_LENGTH} chars, no NUL (PostgreSQL's text cannot hold it), and valid UTF-16 (no
 * unpaired surrogate, which has no UTF-8 encoding).
 */
final class TextFields {

    /**
     * Null when {@code value} is present and usable.
     *
     * @param field the field's name in the event's schema, which a rejection names
     * @param missing the reason and {@code missingDetail} the explanation when it is null or blank
     */
    static Rejection required(String field, String value, DeadLetterReason missing, String missingDetail) {
        if (isMissing(value)) {
            return new Rejection(missing, missingDetail, field);
        }
        return optional(field, value);
    }

    /**
     * As {@link #required(String, String, DeadLetterReason, String)}, the detail of a missing value being
     * "{@code <event> <eventId> has no <field>}", made only for a rejection: most events have every field.
     */
    static Rejection required(String field, String value, DeadLetterReason missing, String event, String eventId) {
        if (isMissing(value)) {
            return new Rejection(missing, event + " " + eventId + " has no " + field, field);
        }
        return optional(field, value);
    }

    /** Whether a required {@code value} is missing: null or blank. */
    static boolean isMissing(String value) {
        return value == null || value.isBlank();
    }

    /** Null when {@code value} is absent or usable. */
    static Rejection optional(String field, String value) {
        return optional(field, field, value);
    }

    /** As {@link #optional(String, String)}, the detail naming the field {@code described} (a line item's). */
    static Rejection optional(String field, String described, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > EventLimits.MAX_TEXT_LENGTH) {
            return new Rejection(DeadLetterReason.TEXT_TOO_LONG, described + " is " + value.length()
                    + " characters long, more than " + EventLimits.MAX_TEXT_LENGTH + ": " + quote(value), field);
        }
        int at = invalidCharAt(value);
        if (at < 0) {
            return null;
        }
        return new Rejection(DeadLetterReason.INVALID_TEXT, described + (value.charAt(at) == '\0'
                ? " has a NUL character at index " : " has an unpaired UTF-16 surrogate at index ") + at + ": " + quote(value),
                field);
    }

    /**
     * Whether {@code value} is absent or usable: what {@link #optional} accepts, for a caller whose field name is
     * made only for a rejection (a line item's).
     */
    static boolean isUsable(String value) {
        return value == null || (value.length() <= EventLimits.MAX_TEXT_LENGTH && invalidCharAt(value) < 0);
    }

    /** The index of the first NUL or unpaired surrogate, -1 if there is none. */
    private static int invalidCharAt(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\0' && !Character.isSurrogate(c)) {
                continue; // nearly every char: tested once against both rules
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++; // a valid pair
            } else {
                return i;
            }
        }
        return -1;
    }

    /**
     * The value for a dead letter's detail: at most 40 chars of it, with NUL, other control characters and
     * surrogates escaped, so that the detail is always short, printable and encodable.
     */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        int shown = Math.min(value.length(), 40);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        quoted.append('"');
        if (shown < value.length()) {
            quoted.append("… (").append(value.length() - shown).append(" more)");
        }
        return quoted.toString();
    }

    private TextFields() {}
}
