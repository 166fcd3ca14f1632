package io.trendstream.records;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serializes an {@link ActivityBundle} for the network and for the window operator's state. Bundles are
 * written and read four times between a source and a window result (network out and in, state append
 * and read when the window fires), which made Flink's reflective POJO-in-array serialization the largest
 * cost of the window task in the benchmark's profile (bench/README.md).
 *
 * <p>Format (version 1): product id, window start (8 bytes), number of activities; then per activity its
 * event id, user id, kind (1 byte: {@code 0} order, {@code 1} view), event time as a zig-zag varint
 * offset from the window start, and for orders units and revenue cents as zig-zag varints. The product is
 * written once: every activity of a bundle is of the bundle's product. Strings are a varint of their
 * UTF-8 length + 1 ({@code 0} for null) and the bytes. A new format needs a new snapshot class, so that
 * state written in this one stays readable; state written while bundles were Flink POJOs is migrated
 * ({@link Snapshot}).
 */
public final class ActivityBundleSerializer extends TypeSerializer<ActivityBundle> {
    private static final long serialVersionUID = 1L;

    private static final byte ORDER = 0;
    private static final byte VIEW = 1;

    /** Scratch space for reading strings; one per duplicate, hence {@link #duplicate()}. */
    private transient byte[] buffer;

    @Override
    public boolean isImmutableType() {
        return true; // records, and bundle arrays are never modified after construction
    }

    @Override
    public TypeSerializer<ActivityBundle> duplicate() {
        return new ActivityBundleSerializer();
    }

    @Override
    public ActivityBundle createInstance() {
        return new ActivityBundle("", 0L, new ProductActivity[0]);
    }

    @Override
    public ActivityBundle copy(ActivityBundle from) {
        return from;
    }

    @Override
    public ActivityBundle copy(ActivityBundle from, ActivityBundle reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ActivityBundle bundle, DataOutputView out) throws IOException {
        writeString(bundle.productId(), out);
        out.writeLong(bundle.windowStart());
        ProductActivity[] activities = bundle.activities();
        writeVarLong(activities.length, out);
        for (ProductActivity activity : activities) {
            writeString(activity.eventId(), out);
            writeString(activity.userId(), out);
            boolean order = activity.kind() == ActivityKind.ORDER;
            out.writeByte(order ? ORDER : VIEW);
            writeVarLong(zigZag(activity.eventTime() - bundle.windowStart()), out);
            if (order) {
                writeVarLong(zigZag(activity.units()), out);
                writeVarLong(zigZag(activity.revenueCents()), out);
            }
        }
    }

    @Override
    public ActivityBundle deserialize(DataInputView in) throws IOException {
        String productId = readString(in);
        long windowStart = in.readLong();
        ProductActivity[] activities = new ProductActivity[Math.toIntExact(readVarLong(in))];
        for (int i = 0; i < activities.length; i++) {
            String eventId = readString(in);
            String userId = readString(in);
            byte kind = in.readByte();
            long eventTime = windowStart + unZigZag(readVarLong(in));
            activities[i] = switch (kind) {
                case ORDER -> ProductActivity.order(eventId, productId, userId, eventTime,
                        Math.toIntExact(unZigZag(readVarLong(in))), unZigZag(readVarLong(in)));
                case VIEW -> ProductActivity.view(eventId, productId, userId, eventTime);
                default -> throw new IOException("unknown activity kind " + kind + " in a serialized ActivityBundle");
            };
        }
        return new ActivityBundle(productId, windowStart, activities);
    }

    @Override
    public ActivityBundle deserialize(ActivityBundle reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivityBundleSerializer;
    }

    @Override
    public int hashCode() {
        return ActivityBundleSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ActivityBundle> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Format version 1 (see the class comment). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ActivityBundle> {
        public Snapshot() {
            super(ActivityBundleSerializer::new);
        }

        /**
         * Also reads state saved while bundles were Flink POJOs (before this serializer): Flink reads it with
         * the POJO serializer restored from the savepoint and writes it in this format.
         */
        @Override
        public TypeSerializerSchemaCompatibility<ActivityBundle> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ActivityBundle> previous) {
            if (previous instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(previous);
        }
    }

    private static void writeString(String value, DataOutputView out) throws IOException {
        if (value == null) {
            writeVarLong(0, out);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeVarLong(utf8.length + 1L, out);
        out.write(utf8);
    }

    private String readString(DataInputView in) throws IOException {
        int lengthPlusOne = Math.toIntExact(readVarLong(in));
        if (lengthPlusOne == 0) {
            return null;
        }
        int length = lengthPlusOne - 1;
        if (buffer == null || buffer.length < length) {
            buffer = new byte[Math.max(length, 64)];
        }
        in.readFully(buffer, 0, length);
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    /** Unsigned LEB128, as in Avro and Protocol Buffers: 7 bits a byte, low bits first. */
    private static void writeVarLong(long value, DataOutputView out) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarLong(DataInputView in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IOException("malformed varint in a serialized ActivityBundle");
    }

    private static long zigZag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    private static long unZigZag(long value) {
        return (value >>> 1) ^ -(value & 1);
    }
}
