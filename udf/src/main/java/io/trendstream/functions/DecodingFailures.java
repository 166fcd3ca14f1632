package io.trendstream.functions;

import io.trendstream.serialization.SchemaRegistryUnavailableException;

/** Tells a bad record from an unavailable dependency, and describes a decoding failure briefly. */
final class DecodingFailures {

    static boolean isRegistryUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private DecodingFailures() {}
}
