package io.trendstream.functions;

import org.apache.avro.Schema;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether a {@link Rejection#field()} names a field of an event's schema: {@code lineItems[2].unitPrice}. */
final class SchemaPaths {

    private static final Pattern STEP = Pattern.compile("(\\w+)(\\[\\d+])?");

    static boolean resolves(Schema record, String path) {
        Schema schema = record;
        for (String step : path.split("\\.", -1)) {
            Matcher parts = STEP.matcher(step);
            if (schema.getType() != Schema.Type.RECORD || !parts.matches() || schema.getField(parts.group(1)) == null) {
                return false;
            }
            schema = nonNull(schema.getField(parts.group(1)).schema());
            if (parts.group(2) != null) {
                if (schema.getType() != Schema.Type.ARRAY) {
                    return false;
                }
                schema = nonNull(schema.getElementType());
            }
        }
        return true;
    }

    /** The value's schema of an optional field (a union with null). */
    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElse(schema);
    }

    private SchemaPaths() {}
}
