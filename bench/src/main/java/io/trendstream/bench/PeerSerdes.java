package io.trendstream.bench;

import io.trendstream.records.ActivityAccumulator;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.ProductActivity;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Compact binary serdes for the Kafka Streams peer's repartition topic and state stores (the udf records). */
final class PeerSerdes {
    private PeerSerdes() {}

    /** The EMA baseline per product, as TrendDetector keeps it. */
    static final class Baseline {
        int windowsSeen;
        long lastWindowEnd = Long.MIN_VALUE;
        double revenueEma;
        double viewsEma;
    }

    interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
        Serializer<T> serializer = (topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                writer.write(out, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        };
        Deserializer<T> deserializer = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                return reader.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static Serde<ProductActivity> activity() {
        return serde((out, a) -> {
            out.writeUTF(a.eventId());
            out.writeUTF(a.productId());
            out.writeUTF(a.userId());
            out.writeByte(a.kind().ordinal());
            out.writeLong(a.eventTime());
            out.writeInt(a.units());
            out.writeLong(a.revenueCents());
        }, in -> new ProductActivity(in.readUTF(), in.readUTF(), in.readUTF(), ActivityKind.values()[in.readByte()],
                in.readLong(), in.readInt(), in.readLong()));
    }

    static Serde<ActivityAccumulator> accumulator() {
        return serde((out, a) -> {
            out.writeLong(a.orders);
            out.writeLong(a.units);
            out.writeLong(a.revenueCents);
            out.writeLong(a.views);
            out.writeInt(a.users.size());
            for (String user : a.users) {
                out.writeUTF(user);
            }
        }, in -> {
            ActivityAccumulator a = new ActivityAccumulator();
            a.orders = in.readLong();
            a.units = in.readLong();
            a.revenueCents = in.readLong();
            a.views = in.readLong();
            int users = in.readInt();
            for (int i = 0; i < users; i++) {
                a.users.add(in.readUTF());
            }
            return a;
        });
    }

    static Serde<Baseline> baseline() {
        return serde((out, b) -> {
            out.writeInt(b.windowsSeen);
            out.writeLong(b.lastWindowEnd);
            out.writeDouble(b.revenueEma);
            out.writeDouble(b.viewsEma);
        }, in -> {
            Baseline b = new Baseline();
            b.windowsSeen = in.readInt();
            b.lastWindowEnd = in.readLong();
            b.revenueEma = in.readDouble();
            b.viewsEma = in.readDouble();
            return b;
        });
    }
}
