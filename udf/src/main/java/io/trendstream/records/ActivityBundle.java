package io.trendstream.records;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Arrays;
import java.util.Objects;

/**
 * Activity of one product in one window, collected before the shuffle so that the window operator
 * takes one record (one state append, one trigger call) for many events.
 *
 * <p>The activities are kept encoded, as {@link ActivityBundleSerializer} writes them (its format, after the
 * bundle's product, window start, size and length): a bundle is encoded once, by the {@link Builder} in the source task,
 * and the network, the window operator's state and the window's count of distinct events ({@link Cursor}) all
 * take those bytes as they are, without an object or a string per activity (the benchmark's profile:
 * bench/README.md). Immutable: the bytes are never modified once written.
 */
@TypeInfo(ActivityBundleTypeInfo.Factory.class)
public final class ActivityBundle {

    // Not final: Flink's POJO serializer sets productId, windowStart and activities when it reads state saved while
    // bundles were POJOs (ActivityBundleSerializer.Snapshot); such a bundle is encoded on first use.
    private String productId;
    private long windowStart;
    /** The activities as given to the constructor or read as a POJO; null for a bundle built or read encoded. */
    private ProductActivity[] activities;
    private int size;
    /** The activities in {@link ActivityBundleSerializer}'s format; exactly {@code size} of them. */
    private byte[] encoded;

    /** For Flink's POJO serializer only (see above). */
    private ActivityBundle() {}

    ActivityBundle(String productId, long windowStart, int size, byte[] encoded) {
        this.productId = Objects.requireNonNull(productId, "productId");
        this.windowStart = windowStart;
        this.size = size;
        this.encoded = encoded;
    }

    /**
     * @param windowStart start of the tumbling window every activity in the bundle belongs to
     * @param activities the activities of {@code productId}, in arrival order; not modified afterwards
     * @throws IllegalArgumentException when an activity is of another product: a bundle is one product's,
     *     and its format writes the product once
     */
    public ActivityBundle(String productId, long windowStart, ProductActivity[] activities) {
        this(productId, windowStart, activities.length, encode(productId, windowStart, activities));
        this.activities = activities;
    }

    /** A bundle of one activity. */
    public static ActivityBundle of(ProductActivity activity, long windowStart) {
        return new ActivityBundle(activity.productId(), windowStart, new ProductActivity[] {activity});
    }

    private static byte[] encode(String productId, long windowStart, ProductActivity[] activities) {
        Builder builder = new Builder(productId, windowStart);
        for (ProductActivity activity : activities) {
            if (!productId.equals(activity.productId())) {
                throw new IllegalArgumentException(
                        "activity " + activity.eventId() + " is of product " + activity.productId() + ", not " + productId);
            }
            builder.add(activity);
        }
        return builder.encoded();
    }

    public String productId() {
        return productId;
    }

    public long windowStart() {
        return windowStart;
    }

    /** How many activities the bundle holds. */
    public int size() {
        return encoded == null ? activities.length : size;
    }

    /** The activities, decoded: for the rare paths (late events, tests); the window's count reads a {@link #cursor()}. */
    public ProductActivity[] activities() {
        if (this.activities != null) {
            return this.activities.clone();
        }
        ProductActivity[] activities = new ProductActivity[size];
        Cursor cursor = cursor();
        for (int i = 0; cursor.next(); i++) {
            activities[i] = cursor.activity();
        }
        return activities;
    }

    /** Reads the activities in place, one after the other. */
    public Cursor cursor() {
        return new Cursor(this);
    }

    /** The bytes of the encoded activities: what the bundle adds to a network record or a state write. */
    public int encodedBytes() {
        return encoded().length;
    }

    /** The encoded activities, for {@link ActivityBundleSerializer}: not to be modified. */
    byte[] encoded() {
        if (encoded == null) { // read as a POJO
            size = activities.length;
            encoded = encode(productId, windowStart, activities);
        }
        return encoded;
    }

    @Override
    public boolean equals(Object o) {
        // The encoding is deterministic: equal activities in the same order are equal bytes.
        return o instanceof ActivityBundle other && windowStart == other.windowStart
                && productId.equals(other.productId) && Arrays.equals(encoded(), other.encoded());
    }

    @Override
    public int hashCode() {
        return 31 * (31 * productId.hashCode() + Long.hashCode(windowStart)) + Arrays.hashCode(encoded());
    }

    @Override
    public String toString() {
        return "ActivityBundle[productId=" + productId + ", windowStart=" + windowStart
                + ", activities=" + Arrays.toString(activities()) + "]";
    }

    /**
     * Encodes one product's activities of one window as they arrive. The caller guarantees that every activity is
     * of the builder's product (the bundler keeps one builder per product and window). {@link #build()} copies what
     * was encoded, so a builder can then start another bundle in the same buffer ({@link #reset}).
     */
    public static final class Builder {
        private String productId;
        private long windowStart;
        private final ActivityEncoding.Output out = new ActivityEncoding.Output(256);
        private int size;
        /** For {@link #add(ProductActivity)}, made on its first call: the bundler adds views and orders directly. */
        private ActivitySink appender;

        public Builder(String productId, long windowStart) {
            this.productId = productId;
            this.windowStart = windowStart;
        }

        public void add(ProductActivity activity) {
            if (appender == null) {
                appender = new ActivitySink() { // the caller guarantees the product (above)
                    @Override
                    public void view(String productId, String eventId, String userId, long eventTime) {
                        addView(eventId, userId, eventTime);
                    }

                    @Override
                    public void order(String productId, String eventId, String userId, long eventTime, int units,
                            long revenueCents) {
                        addOrder(eventId, userId, eventTime, units, revenueCents);
                    }
                };
            }
            activity.writeTo(appender);
        }

        public void addView(String eventId, String userId, long eventTime) {
            ActivityEncoding.writeView(eventId, userId, eventTime - windowStart, out);
            size++;
        }

        public void addOrder(String eventId, String userId, long eventTime, int units, long revenueCents) {
            ActivityEncoding.writeOrder(eventId, userId, eventTime - windowStart, units, revenueCents, out);
            size++;
        }

        public long windowStart() {
            return windowStart;
        }

        public int size() {
            return size;
        }

        /** Starts an empty bundle of {@code productId}'s window at {@code windowStart}, in this builder's buffer. */
        public Builder reset(String productId, long windowStart) {
            this.productId = productId;
            this.windowStart = windowStart;
            this.size = 0;
            out.clear();
            return this;
        }

        /** The bytes of the activities encoded so far. */
        public int encodedBytes() {
            return out.length();
        }

        /** The bytes this builder's buffer holds, used or not. */
        public int capacity() {
            return out.capacity();
        }

        public ActivityBundle build() {
            return new ActivityBundle(productId, windowStart, size, encoded());
        }

        private byte[] encoded() {
            return out.toByteArray();
        }
    }

    /**
     * One activity at a time, in place: its ids are ranges of {@link #bytes()} (UTF-8, or a length of -1 for a
     * missing id), so a count of distinct ids compares bytes instead of building strings.
     */
    public static final class Cursor {
        private final ActivityBundle bundle;
        private final byte[] bytes;
        private int position;
        private int remaining;

        private int eventIdOffset;
        private int eventIdLength;
        private int userIdOffset;
        private int userIdLength;
        private ActivityKind kind;
        private long eventTime;
        private int units;
        private long revenueCents;

        private Cursor(ActivityBundle bundle) {
            this.bundle = bundle;
            this.bytes = bundle.encoded();
            this.remaining = bundle.size;
        }

        /** Moves to the next activity; false when there is none. */
        public boolean next() {
            if (remaining == 0) {
                return false;
            }
            remaining--;
            int lengthPlusOne = (int) readVarLong();
            eventIdOffset = position;
            eventIdLength = lengthPlusOne - 1;
            position += Math.max(eventIdLength, 0);
            lengthPlusOne = (int) readVarLong();
            userIdOffset = position;
            userIdLength = lengthPlusOne - 1;
            position += Math.max(userIdLength, 0);
            byte kindByte = bytes[position++];
            eventTime = bundle.windowStart + ActivityEncoding.unZigZag(readVarLong());
            if (kindByte == ActivityEncoding.ORDER) {
                kind = ActivityKind.ORDER;
                units = Math.toIntExact(ActivityEncoding.unZigZag(readVarLong()));
                revenueCents = ActivityEncoding.unZigZag(readVarLong());
            } else if (kindByte == ActivityEncoding.VIEW) {
                kind = ActivityKind.VIEW;
                units = 0;
                revenueCents = 0L;
            } else {
                throw new IllegalStateException("unknown activity kind " + kindByte + " in an ActivityBundle of " + bundle.productId);
            }
            return true;
        }

        /** The encoded activities; the current one's ids are ranges of it. */
        public byte[] bytes() {
            return bytes;
        }

        public int eventIdOffset() {
            return eventIdOffset;
        }

        /** -1: no event id. */
        public int eventIdLength() {
            return eventIdLength;
        }

        public int userIdOffset() {
            return userIdOffset;
        }

        /** -1: no user id. */
        public int userIdLength() {
            return userIdLength;
        }

        public ActivityKind kind() {
            return kind;
        }

        public long eventTime() {
            return eventTime;
        }

        public int units() {
            return units;
        }

        public long revenueCents() {
            return revenueCents;
        }

        /** The current activity, decoded. */
        public ProductActivity activity() {
            return new ProductActivity(ActivityEncoding.string(bytes, eventIdOffset, eventIdLength), bundle.productId,
                    ActivityEncoding.string(bytes, userIdOffset, userIdLength), kind, eventTime, units, revenueCents);
        }

        private long readVarLong() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = bytes[position++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
        }
    }
}
