package io.trendstream.gateway.ingest;

import io.trendstream.events.ProductView;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.List;

import static io.trendstream.gateway.ingest.EventJsonReader.instant;
import static io.trendstream.gateway.ingest.EventJsonReader.text;
import static io.trendstream.gateway.ingest.EventJsonReader.unknownField;

/**
 * A product view as clients write it: {@code {"event_id", "user_id", "product_id", "session_id", "event_time"}},
 * snake_case; the job's rules check the values afterwards.
 */
final class ProductViewJson implements EventJsonReader.ObjectReader<ProductView> {

    static final List<String> FIELDS = List.of("event_id", "user_id", "product_id", "session_id", "event_time");

    @Override
    public ProductView read(JsonParser parser, String path) throws IOException {
        ProductView view = new ProductView();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "event_id" -> view.setEventId(text(parser, "event_id"));
                case "user_id" -> view.setUserId(text(parser, "user_id"));
                case "product_id" -> view.setProductId(text(parser, "product_id"));
                case "session_id" -> view.setSessionId(text(parser, "session_id"));
                case "event_time" -> view.setEventTime(instant(parser, "event_time"));
                default -> throw unknownField(name, FIELDS);
            }
        }
        return view;
    }
}
