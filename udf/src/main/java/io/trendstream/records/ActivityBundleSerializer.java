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
 * and read when the window fires). A bundle holds its activities in this format already (encoded once, in the
 * source task), so writing them is one copy, and reading them checks their structure while copying them
 * ({@link ActivityEncoding}): no object or string per activity on either side.
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

    /** Scratch space for reading the product and the activities; one per duplicate, hence {@link #duplicate()}. */
    private transient byte[] buffer;
    private transient ActivityEncoding.Output activities;

    @Override
    public boolean isImmutableType() {
        return true; // bundles are never modified after construction
    }

    @Override
    public TypeSerializer<ActivityBundle> duplicate() {
        return new ActivityBundleSerializer();
    }

    @Override
    public ActivityBundle createInstance() {
        return new ActivityBundle("", 0L, 0, new byte[0]);
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
        ActivityEncoding.writeVarLong(bundle.size(), out);
        out.write(bundle.encoded());
    }

    @Override
    public ActivityBundle deserialize(DataInputView in) throws IOException {
        String productId = readString(in);
        long windowStart = in.readLong();
        int size = Math.toIntExact(ActivityEncoding.readVarLong(in));
        if (activities == null) {
            activities = new ActivityEncoding.Output(1024);
        }
        activities.clear();
        ActivityEncoding.copy(in, size, activities);
        return new ActivityBundle(productId, windowStart, size, activities.toByteArray());
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
            ActivityEncoding.writeVarLong(0, out);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        ActivityEncoding.writeVarLong(utf8.length + 1L, out);
        out.write(utf8);
    }

    private String readString(DataInputView in) throws IOException {
        int lengthPlusOne = Math.toIntExact(ActivityEncoding.readVarLong(in));
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
}
