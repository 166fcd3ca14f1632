package io.trendstream.gateway.query;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Keyset pagination: a page ends with the sort key of its last row, and the next page starts after it. Clients see
 * it as an opaque string ({@code next_cursor}, passed back as {@code cursor}); inside it is the key's values, so a
 * page is found with an index range scan however deep it is, and rows inserted meanwhile neither repeat nor shift.
 *
 * <p>Encoding: the values joined by U+001F, then base64url without padding. A product id could contain U+001F (the
 * job refuses only NUL and invalid UTF-16), so the product id is always the last value and decoding splits into at
 * most the key's number of values.
 */
public record Cursor(List<String> values) {

    private static final String SEPARATOR = "\u001f";

    public Cursor {
        values = List.copyOf(values);
    }

    public static Cursor of(String... values) {
        return new Cursor(List.of(values));
    }

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(SEPARATOR, values).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param arity how many values the endpoint's sort key has
     * @throws InvalidParameterException naming {@code cursor} when it is not one this endpoint handed out
     */
    public static Cursor decode(String encoded, int arity) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("cursor", "not a cursor this endpoint returned (not base64url)");
        }
        List<String> values = new ArrayList<>(List.of(text.split(SEPARATOR, arity)));
        if (values.size() != arity) {
            throw new InvalidParameterException("cursor", "not a cursor this endpoint returned");
        }
        return new Cursor(values);
    }

    public String get(int index) {
        return values.get(index);
    }
}
