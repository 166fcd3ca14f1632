package io.trendstream.gateway.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.gateway.live.LiveRoutes;
import io.trendstream.gateway.web.DashboardPage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;

/** The OpenAPI document names every query and live endpoint, with its parameters. */
class QueryOpenApiTest {

    @Test
    void everyQueryAndLiveEndpointIsDocumentedWithItsParameters() throws Exception {
        JsonNode paths;
        try (InputStream in = QueryOpenApiTest.class.getResourceAsStream("/openapi.json")) {
            paths = new ObjectMapper().readTree(in).get("paths");
        }
        assertThat(paths.fieldNames()).toIterable().contains(QueryRoutes.PRODUCT_WINDOWS, QueryRoutes.TOP_PRODUCTS,
                QueryRoutes.ALERTS, QueryRoutes.LATE_EVENT_COUNT, QueryRoutes.DEAD_LETTER_COUNT, LiveRoutes.PATH,
                DashboardPage.PATH);
        assertThat(parameters(paths, QueryRoutes.PRODUCT_WINDOWS))
                .containsExactly("product_id", "from", "to", "limit", "cursor");
        assertThat(parameters(paths, QueryRoutes.TOP_PRODUCTS))
                .containsExactly("window_start", "hour", "by", "limit", "cursor");
        assertThat(parameters(paths, QueryRoutes.ALERTS)).containsExactly("since", "severity", "limit", "cursor");
        assertThat(parameters(paths, QueryRoutes.LATE_EVENT_COUNT)).containsExactly("from", "to", "product_id");
        assertThat(parameters(paths, LiveRoutes.PATH)).containsExactly("Last-Event-ID", "last_event_id");
    }

    private static List<String> parameters(JsonNode paths, String path) {
        return paths.get(path).get("get").get("parameters").findValuesAsText("name");
    }
}
