package io.trendstream.records;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Serializes an {@link ActivityBundle} for the network and for the window operator's state. Bundles are
 * written and read four times between a source and a window result (network out and in, state append
 * and read when the window fires). A bundle holds its activities in this format already (encoded once, in the
 * source task, {@link ActivityEncoding}), so writing and reading them is one copy each: no object or string per
 * activity on either side.
 *
 * <p>Format 2: product id, window start (8 bytes), number of activities, the activities' length in bytes; then per
 * activity its event id, user id, kind (1 byte: {@code 0} order, {@code 1} view), event time as a zig-zag varint
 * offset from the window start, and for orders units and revenue cents as zig-zag varints. The product is
 * written once: every activity of a bundle is of the bundle's product. Strings are a varint of their
 * UTF-8 length + 1 ({@code 0} for null) and the bytes; counts and lengths are varints. Format 1, of state saved by
 * earlier versions, is the same without the activities' length (so reading it walks every activity); state saved in
 * it, or while bundles were Flink POJOs, is migrated on restore ({@link Snapshot}). A new format needs a new
 * snapshot version, so that state written in the older ones stays readable.
 */
public final class ActivityBundleSerializer extends TypeSerializer<ActivityBundle> {
    private static final long serialVersionUID = 1L;

    private static final int FIRST_FORMAT = 1;
    private static final int CURRENT_FORMAT = 2;

    private final int format;

    /** Scratch space for reading format-1 activities; one per duplicate, hence {@link #duplicate()}. */
    private transient ActivityEncoding.Output activities;

    /** In the current format. */
    public ActivityBundleSerializer() {
        this(CURRENT_FORMAT);
    }

    private ActivityBundleSerializer(int format) {
        this.format = format;
    }

    @Override
    public boolean isImmutableType() {
        return true; // bundles are never modified after construction
    }

    @Override
    public TypeSerializer<ActivityBundle> duplicate() {
        return new ActivityBundleSerializer(format);
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
        ActivityEncoding.writeString(bundle.productId(), out);
        out.writeLong(bundle.windowStart());
        ActivityEncoding.writeVarLong(bundle.size(), out);
        byte[] activities = bundle.encoded();
        if (format != FIRST_FORMAT) {
            ActivityEncoding.writeVarLong(activities.length, out);
        }
        out.write(activities);
    }

    @Override
    public ActivityBundle deserialize(DataInputView in) throws IOException {
        String productId = ActivityEncoding.readString(in);
        long windowStart = in.readLong();
        int size = Math.toIntExact(ActivityEncoding.readVarLong(in));
        if (format == FIRST_FORMAT) {
            if (activities == null) {
                activities = new ActivityEncoding.Output(1024);
            }
            activities.clear();
            ActivityEncoding.copy(in, size, activities);
            return new ActivityBundle(productId, windowStart, size, activities.toByteArray());
        }
        byte[] encoded = new byte[Math.toIntExact(ActivityEncoding.readVarLong(in))];
        in.readFully(encoded);
        return new ActivityBundle(productId, windowStart, size, encoded);
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
        return o instanceof ActivityBundleSerializer other && format == other.format;
    }

    @Override
    public int hashCode() {
        return 31 * ActivityBundleSerializer.class.hashCode() + format;
    }

    @Override
    public TypeSerializerSnapshot<ActivityBundle> snapshotConfiguration() {
        return new Snapshot(format);
    }

    /**
     * The serializer's format. Versions 1 to 3 are those of the {@code SimpleTypeSerializerSnapshot} this class
     * extended while there was one format, and mean format 1; from version 4 the format is written.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<ActivityBundle> {
        private static final int VERSION = 4;

        private int format;

        /** For Flink, which reads the rest with {@link #readSnapshot}. */
        public Snapshot() {
            this(CURRENT_FORMAT);
        }

        Snapshot(int format) {
            this.format = format;
        }

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeInt(format);
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion == 2) {
                in.readUTF(); // the serializer's class name, as SimpleTypeSerializerSnapshot version 2 wrote it
            }
            format = readVersion < VERSION ? FIRST_FORMAT : in.readInt();
            if (format != FIRST_FORMAT && format != CURRENT_FORMAT) {
                throw new IOException("unknown ActivityBundle format " + format + " (a newer version's state?)");
            }
        }

        @Override
        public TypeSerializer<ActivityBundle> restoreSerializer() {
            return new ActivityBundleSerializer(format);
        }

        /**
         * State of the current format is read as it is; state of format 1, or saved while bundles were Flink POJOs
         * (before this serializer), is migrated: Flink reads it with the serializer restored from the savepoint and
         * writes it in the current format.
         */
        @Override
        public TypeSerializerSchemaCompatibility<ActivityBundle> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ActivityBundle> previous) {
            if (previous instanceof Snapshot saved) {
                return saved.format == format
                        ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                        : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            if (previous instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
