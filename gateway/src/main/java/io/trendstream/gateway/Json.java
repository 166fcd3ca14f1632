package io.trendstream.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Map;

/** The gateway's one JSON configuration: numbers as BigDecimal (exact prices), no trailing garbage accepted. */
public final class Json {

    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** The body of a 500: the failure's type only, so that nothing internal (a query, a secret) reaches a client. */
    public static Map<String, String> unexpectedFailure(Throwable failure) {
        return Map.of("error", "internal", "message", "Unexpected failure: " + failure.getClass().getSimpleName());
    }

    private Json() {}
}
