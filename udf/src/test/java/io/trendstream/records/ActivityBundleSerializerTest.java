package io.trendstream.records;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flink's contract tests for a serializer (copy, duplicate, snapshot, sequences), plus the format's edges. */
class ActivityBundleSerializerTest extends SerializerTestBase<ActivityBundle> {
    private static final long W = 1_700_000_040_000L;

    @Override
    protected TypeSerializer<ActivityBundle> createSerializer() {
        return new ActivityBundleSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<ActivityBundle> getTypeClass() {
        return ActivityBundle.class;
    }

    @Override
    protected ActivityBundle[] getTestData() {
        return new ActivityBundle[] {
            new ActivityBundle("p-1", W, new ProductActivity[] {
                ProductActivity.order("o-1", "p-1", "u-1", W + 1_000, 2, 1_998),
                ProductActivity.view("v-1", "p-1", "u-2", W + 59_999),
                ProductActivity.order("o-2", "p-1", "u-1", W, 1, 0)}),
            new ActivityBundle("p-2", 0L, new ProductActivity[0]),
            // the edges of every field: nulls, non-ASCII text, extreme numbers, an event time before its window
            new ActivityBundle("produit-é-✓", Long.MIN_VALUE + 1, new ProductActivity[] {
                ProductActivity.order("o-3", "produit-é-✓", null, Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE)}),
            new ActivityBundle("p-3", W, new ProductActivity[] {
                ProductActivity.order(null, "p-3", "", W - 5_000, -1, Long.MIN_VALUE),
                ProductActivity.view("v-" + "x".repeat(300), "p-3", "u-\uD83D\uDE00", Long.MIN_VALUE)}),
        };
    }

    @Test
    void writesTheProductOncePerBundle() throws IOException {
        String longProduct = "p-" + "x".repeat(1_000);
        ProductActivity[] activities = new ProductActivity[10];
        for (int i = 0; i < activities.length; i++) {
            activities[i] = ProductActivity.view("v-" + i, longProduct, "u-" + i, W + i);
        }

        DataOutputSerializer out = new DataOutputSerializer(64);
        new ActivityBundleSerializer().serialize(new ActivityBundle(longProduct, W, activities), out);

        assertThat(out.length()).isLessThan(2 * longProduct.length());
    }

    private static final ActivityBundle BUNDLE = new ActivityBundle("p", W, new ProductActivity[] {
        ProductActivity.order("o", "p", "u", W + 1_000, 2, 1_998),
        ProductActivity.view("v", "p", null, W + 59_999)});
    private static final byte[] HEADER = {
        2, 'p', 0, 0, 0x01, (byte) 0x8B, (byte) 0xCF, (byte) 0xE6, 0x04, 0x40, 2}; // product, window start, count
    private static final byte[] ACTIVITIES = {
        2, 'o', 2, 'u', 0, (byte) 0xD0, 0x0F, 4, (byte) 0x9C, 0x1F, // order: ids, kind, +1000 ms, 2 units, 1998 cents
        2, 'v', 0, 1, (byte) 0xBE, (byte) 0xA9, 0x07}; // view: id, no user, kind, +59999 ms

    /** The bytes state saved by this version holds: a change here needs a new format and snapshot version. */
    @Test
    void writesAndReadsTheCurrentFormat() throws IOException {
        byte[] saved = concat(HEADER, new byte[] {17}, ACTIVITIES); // the activities' length, then the activities

        DataOutputSerializer out = new DataOutputSerializer(64);
        new ActivityBundleSerializer().serialize(BUNDLE, out);

        assertThat(out.getCopyOfBuffer()).containsExactly(saved);
        assertThat(new ActivityBundleSerializer().deserialize(new DataInputDeserializer(saved))).isEqualTo(BUNDLE);
    }

    /** Earlier versions saved format 1 (no length of the activities), with the snapshot of a one-format serializer. */
    @Test
    void readsStateSavedInTheFirstFormatAndMigratesIt() throws IOException {
        ActivityBundleSerializer.Snapshot saved = snapshotSavedByEarlierVersions();

        TypeSerializer<ActivityBundle> restored = saved.restoreSerializer();

        assertThat(restored.deserialize(new DataInputDeserializer(concat(HEADER, ACTIVITIES)))).isEqualTo(BUNDLE);
        assertThat(new ActivityBundleSerializer().snapshotConfiguration().resolveSchemaCompatibility(saved)
                .isCompatibleAfterMigration()).isTrue();
        assertThat(new ActivityBundleSerializer().snapshotConfiguration()
                .resolveSchemaCompatibility(new ActivityBundleSerializer().snapshotConfiguration())
                .isCompatibleAsIs()).isTrue();
    }

    /** The snapshot earlier versions wrote: {@code SimpleTypeSerializerSnapshot}'s version 3, with nothing of its own. */
    static ActivityBundleSerializer.Snapshot snapshotSavedByEarlierVersions() throws IOException {
        ActivityBundleSerializer.Snapshot saved = new ActivityBundleSerializer.Snapshot();
        saved.readSnapshot(3, new DataInputDeserializer(new byte[0]), ActivityBundleSerializerTest.class.getClassLoader());
        return saved;
    }

    private static byte[] concat(byte[]... parts) {
        DataOutputSerializer out = new DataOutputSerializer(64);
        try {
            for (byte[] part : parts) {
                out.write(part);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.getCopyOfBuffer();
    }

    @Test
    void rejectsAnUnknownActivityKind() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        new ActivityBundleSerializer().serialize(
                new ActivityBundle("p", W, new ProductActivity[] {ProductActivity.view("v", "p", "u", W)}), out);
        byte[] bytes = out.getCopyOfBuffer();
        // product "p" (2 bytes), window start (8), count (1), length (1), event id "v" (2), user id "u" (2): the kind
        bytes[16] = 7;
        ActivityBundle read = new ActivityBundleSerializer().deserialize(new DataInputDeserializer(bytes));

        assertThatThrownBy(read::activities)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown activity kind 7");
        byte[] firstFormat = concat(Arrays.copyOfRange(bytes, 0, 11), Arrays.copyOfRange(bytes, 12, bytes.length));
        assertThatThrownBy(() -> snapshotSavedByEarlierVersions().restoreSerializer().deserialize(new DataInputDeserializer(firstFormat)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown activity kind 7");
    }
}
