package io.trendstream.gateway.ingest;

import java.util.Locale;

/** The bodies ingest takes: JSON (an object or an array) and NDJSON (one object per line). */
final class IngestMediaType {

    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";

    /** Null (no Content-Type) is read as JSON, as curl's -d sends form encoding unless told otherwise. */
    static boolean isNdjson(String contentType) {
        String type = mediaType(contentType);
        if (type == null || type.equals(JSON) || type.equals("application/x-www-form-urlencoded")) {
            return false;
        }
        if (type.equals(NDJSON) || type.equals("application/jsonl") || type.equals("application/json-seq")) {
            return true;
        }
        throw IngestException.unsupportedMediaType("Content-Type " + contentType + " is not taken: send " + JSON
                + " (an event or an array of events) or " + NDJSON + " (one event per line)");
    }

    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private IngestMediaType() {}
}
