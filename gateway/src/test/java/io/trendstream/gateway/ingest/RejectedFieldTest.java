package io.trendstream.gateway.ingest;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.functions.Rejection;
import io.trendstream.records.DeadLetterReason;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RejectedFieldTest {

    @Test
    void namesALineItemsFieldWithItsIndexInTheClientsNames() {
        assertThat(field("lineItems[2].unitPrice")).isEqualTo("items[2].price");
        assertThat(field("lineItems[0].quantity")).isEqualTo("items[0].quantity");
        assertThat(field("lineItems[11].productId")).isEqualTo("items[11].product_id");
        assertThat(field("lineItems")).isEqualTo("items");
    }

    @Test
    void namesAnEventsFieldInSnakeCase() {
        assertThat(field("eventId")).isEqualTo("event_id");
        assertThat(field("eventTime")).isEqualTo("event_time");
        assertThat(field("sessionId")).isEqualTo("session_id");
    }

    @Test
    void everyFieldTheGatewayTakesHasTheJsonNameItsReaderReads() {
        assertThat(jsonNames(OrderEvent.getClassSchema())).containsExactlyInAnyOrderElementsOf(OrderJson.FIELDS);
        assertThat(jsonNames(LineItem.getClassSchema())).containsExactlyInAnyOrderElementsOf(OrderJson.ITEM_FIELDS);
        assertThat(jsonNames(ProductView.getClassSchema())).containsExactlyInAnyOrderElementsOf(ProductViewJson.FIELDS);
    }

    @Test
    void aFieldWithoutAJsonNameIsGivenAsTheSchemaNamesIt() {
        assertThat(field("updatedAt")).isEqualTo("updatedAt");
        assertThat(field("lineItems[1].discount")).isEqualTo("lineItems[1].discount");
    }

    private static List<String> jsonNames(Schema schema) {
        return schema.getFields().stream().map(f -> RejectedField.JSON_NAMES.get(f.name())).toList();
    }

    private static String field(String schemaPath) {
        return RejectedField.of(new Rejection(DeadLetterReason.INVALID_TEXT, "detail", schemaPath));
    }
}
