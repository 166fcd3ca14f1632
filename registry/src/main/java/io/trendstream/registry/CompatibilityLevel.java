package io.trendstream.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's own {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: the new schema reads data written with the old one. FORWARD: the old schema reads data written with
 * the new one. FULL: both. Transitive levels check every earlier version, the others only the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    public static CompatibilityLevel parse(String level) {
        if (level == null) {
            throw RegistryException.invalidCompatibilityLevel("null");
        }
        try {
            return valueOf(level.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidCompatibilityLevel(level);
        }
    }

    public boolean isTransitive() {
        return transitive;
    }

    /**
     * Checks a candidate against earlier versions, given newest first.
     *
     * @return why the candidate is incompatible; empty if it is compatible
     */
    public List<String> check(Schema candidate, List<Schema> earlierNewestFirst) {
        List<String> messages = new ArrayList<>();
        List<Schema> against = transitive || earlierNewestFirst.isEmpty()
                ? earlierNewestFirst
                : earlierNewestFirst.subList(0, 1);
        for (Schema earlier : against) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlier), "BACKWARD", messages);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(earlier, candidate), "FORWARD", messages);
            }
        }
        return List.copyOf(messages);
    }

    private static void describe(SchemaPairCompatibility result, String direction, List<String> messages) {
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            messages.add("{direction:" + direction + ", errorType:'" + incompatibility.getType()
                    + "', description:'" + incompatibility.getMessage()
                    + "', location:'" + incompatibility.getLocation() + "'}");
        }
    }
}
