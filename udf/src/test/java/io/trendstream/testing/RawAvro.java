package io.trendstream.testing;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;

/** Avro binary that a producer which skips Avro's own checks can write, for tests of what the job refuses. */
public final class RawAvro {

    private RawAvro() {}

    /**
     * The order in Avro binary with the first line's unit price replaced by raw unscaled bytes, as a producer that does
     * not check the decimal's declared precision writes it (Avro's own writer refuses).
     */
    public static byte[] orderWithRawUnitPrice(OrderEvent order, BigInteger unscaled) throws IOException {
        GenericRecord line = new GenericData.Record(LineItem.getClassSchema());
        line.put("productId", order.getLineItems().get(0).getProductId());
        line.put("quantity", order.getLineItems().get(0).getQuantity());
        line.put("unitPrice", ByteBuffer.wrap(unscaled.toByteArray()));
        GenericRecord generic = new GenericData.Record(OrderEvent.getClassSchema());
        generic.put("eventId", order.getEventId());
        generic.put("orderId", order.getOrderId());
        generic.put("userId", order.getUserId());
        generic.put("lineItems", List.of(line));
        generic.put("currency", order.getCurrency());
        generic.put("eventTime", order.getEventTime().toEpochMilli());
        generic.put("channel", order.getChannel());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(OrderEvent.getClassSchema()).write(generic, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }
}
