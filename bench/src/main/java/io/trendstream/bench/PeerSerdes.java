package io.trendstream.bench;

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

/** Compact binary serdes for the Kafka Streams peer's repartition topic and state stores. */
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

    /** A bundle: the product and window once, then per activity its id, user, and for orders units and cents. */
    static Serde<PeerBundle> bundle() {
        return serde((out, b) -> {
            out.writeUTF(b.productId);
            out.writeLong(b.windowStart);
            out.writeLong(b.maxEventTime);
            out.writeInt(b.size());
            for (int i = 0; i < b.size(); i++) {
                out.writeUTF(b.eventIds.get(i));
                out.writeUTF(b.userIds.get(i));
                out.writeInt(b.units.get(i));
                if (b.isOrder(i)) {
                    out.writeLong(b.revenueCents.get(i));
                }
            }
        }, in -> {
            PeerBundle b = new PeerBundle(in.readUTF(), in.readLong());
            long maxEventTime = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String id = in.readUTF();
                String user = in.readUTF();
                int units = in.readInt();
                b.add(id, user, units, units >= 0 ? in.readLong() : 0, maxEventTime);
            }
            return b;
        });
    }

    static Serde<PeerWindowTotals> totals() {
        return serde((out, t) -> {
            out.writeLong(t.orders);
            out.writeLong(t.units);
            out.writeLong(t.revenueCents);
            out.writeLong(t.views);
            out.writeInt(t.eventIds.size());
            for (String id : t.eventIds) {
                out.writeUTF(id);
            }
            out.writeInt(t.users.size());
            for (String user : t.users) {
                out.writeUTF(user);
            }
        }, in -> {
            PeerWindowTotals t = new PeerWindowTotals();
            t.orders = in.readLong();
            t.units = in.readLong();
            t.revenueCents = in.readLong();
            t.views = in.readLong();
            int ids = in.readInt();
            for (int i = 0; i < ids; i++) {
                t.eventIds.add(in.readUTF());
            }
            int users = in.readInt();
            for (int i = 0; i < users; i++) {
                t.users.add(in.readUTF());
            }
            return t;
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
