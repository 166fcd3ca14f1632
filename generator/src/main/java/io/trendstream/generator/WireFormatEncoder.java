package io.trendstream.generator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.Product;
import io.trendstream.events.ProductView;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Confluent's wire format (magic byte 0, the schema id as a 4-byte big-endian int, then the Avro binary body),
 * written with one reused buffer, encoder and datum writer per record type: the per-record path of the
 * general-purpose serializers (schema lookup per record, new streams) costs more than the encoding itself.
 * Not thread-safe.
 */
final class WireFormatEncoder {

    private static final byte MAGIC_BYTE = 0;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private final DatumWriter<OrderEvent> orderWriter = new SpecificDatumWriter<>(OrderEvent.class);
    private final DatumWriter<ProductView> viewWriter = new SpecificDatumWriter<>(ProductView.class);
    private final DatumWriter<Product> productWriter = new SpecificDatumWriter<>(Product.class);
    private BinaryEncoder encoder;

    /** The record in wire format under schema {@code schemaId}. */
    byte[] order(int schemaId, OrderEvent order) {
        header(schemaId);
        try {
            orderWriter.write(order, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode order " + order.getEventId(), e);
        }
        return buffer.toByteArray();
    }

    /** The record in wire format under schema {@code schemaId}. */
    byte[] view(int schemaId, ProductView view) {
        header(schemaId);
        try {
            viewWriter.write(view, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode view " + view.getEventId(), e);
        }
        return buffer.toByteArray();
    }

    /**
     * The order under schema {@code schemaId} with its first line's unit price replaced by raw unscaled bytes, as a
     * producer that does not check the decimal's declared precision writes it (Avro's own writer refuses to).
     */
    byte[] orderWithRawUnitPrice(int schemaId, OrderEvent order, BigInteger unscaled) {
        GenericRecord line = new GenericData.Record(LineItem.getClassSchema());
        LineItem first = order.getLineItems().get(0);
        line.put("productId", first.getProductId());
        line.put("quantity", first.getQuantity());
        line.put("unitPrice", ByteBuffer.wrap(unscaled.toByteArray()));
        GenericRecord generic = new GenericData.Record(OrderEvent.getClassSchema());
        for (Schema.Field field : OrderEvent.getClassSchema().getFields()) {
            generic.put(field.name(), order.get(field.pos()));
        }
        generic.put("lineItems", List.of(line));
        generic.put("eventTime", order.getEventTime().toEpochMilli());
        header(schemaId);
        try {
            new GenericDatumWriter<GenericRecord>(OrderEvent.getClassSchema()).write(generic, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode order " + order.getEventId(), e);
        }
        return buffer.toByteArray();
    }

    /** The record in wire format under schema {@code schemaId}. */
    byte[] product(int schemaId, Product product) {
        header(schemaId);
        try {
            productWriter.write(product, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode product " + product.getProductId(), e);
        }
        return buffer.toByteArray();
    }

    private void header(int schemaId) {
        buffer.reset();
        buffer.write(MAGIC_BYTE);
        buffer.write(schemaId >>> 24);
        buffer.write(schemaId >>> 16);
        buffer.write(schemaId >>> 8);
        buffer.write(schemaId);
        // A direct encoder has no buffer of its own to flush into the stream: one copy fewer.
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
    }
}
