package io.trendstream.functions;

import io.trendstream.events.Product;
import io.trendstream.records.CatalogChange;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.Ingested;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * Reads the compacted catalog topic: a record is a {@link Product} as it now is, keyed by its id; a tombstone (no
 * value) removes the product its key names. Whatever cannot be used becomes a dead letter with its reason, as on the
 * event topics ({@link IngestingDeserializer} decodes and validates the products): a tombstone without a key, and a
 * product whose key is not its id, which compaction would keep or remove under the wrong product.
 */
public final class CatalogDeserializer implements KafkaRecordDeserializationSchema<Ingested<CatalogChange>> {
    private static final long serialVersionUID = 1L;

    private final IngestingDeserializer<Product> products;

    public CatalogDeserializer(DeserializationSchema<Product> decoder, Clock clock) {
        this.products = new IngestingDeserializer<>(decoder, new ProductRules(), Ingested.typeInfo(Product.class), clock);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        products.open(context);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested<CatalogChange>> out) throws IOException {
        out.collect(ingest(record));
    }

    Ingested<CatalogChange> ingest(ConsumerRecord<byte[], byte[]> record) throws IOException {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            Rejection rejection = TextFields.required("key", key, DeadLetterReason.MISSING_PRODUCT_ID,
                    "catalog tombstone has no key: it names no product to remove");
            return rejection != null
                    ? IngestingDeserializer.deadLetter(record, rejection.reason(), rejection.detail())
                    : Ingested.of(CatalogChange.removal(key), Ingested.NO_EVENT_TIME);
        }
        Ingested<Product> product = products.ingest(record);
        if (product.isDeadLetter()) {
            return Ingested.failed(product.getDeadLetter());
        }
        String productId = product.getEvent().getProductId();
        if (!productId.equals(key)) {
            return IngestingDeserializer.deadLetter(record, DeadLetterReason.PRODUCT_KEY_MISMATCH, "catalog record of product "
                    + TextFields.quote(productId) + " has key " + (key == null ? "null" : TextFields.quote(key)));
        }
        return Ingested.of(CatalogChange.upsert(product.getEvent()), Ingested.NO_EVENT_TIME);
    }

    @Override
    public TypeInformation<Ingested<CatalogChange>> getProducedType() {
        return typeInfo();
    }

    static TypeInformation<Ingested<CatalogChange>> typeInfo() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeInformation<Ingested<CatalogChange>> info = (TypeInformation) Types.POJO(Ingested.class, Map.of(
                "event", CatalogChange.typeInfo(),
                "eventTime", Types.LONG,
                "deadLetter", new AvroTypeInfo<>(io.trendstream.events.DeadLetter.class)));
        return info;
    }
}
