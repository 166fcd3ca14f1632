package io.trendstream.records;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A bundle holds its activities encoded: built one at a time, read in place, decoded on request. */
class ActivityBundleTest {
    private static final long W = 1_700_000_040_000L;

    private static final ProductActivity ORDER = ProductActivity.order("o-1", "p-1", "u-é", W + 1_000, 3, 2_997);
    private static final ProductActivity VIEW = ProductActivity.view("v-1", "p-1", null, W + 59_999);

    @Test
    void aBundleBuiltOneActivityAtATimeEqualsOneMadeOfAllOfThem() {
        ActivityBundle.Builder builder = new ActivityBundle.Builder("p-1", W);
        builder.add(ORDER);
        builder.add(VIEW);

        ActivityBundle built = builder.build();

        assertThat(built).isEqualTo(new ActivityBundle("p-1", W, new ProductActivity[] {ORDER, VIEW}));
        assertThat(built.size()).isEqualTo(2);
        assertThat(built.activities()).containsExactly(ORDER, VIEW);
    }

    @Test
    void aCursorReadsEachActivityInPlaceWithItsIdsAsByteRanges() {
        ActivityBundle.Cursor cursor = new ActivityBundle("p-1", W, new ProductActivity[] {ORDER, VIEW}).cursor();

        assertThat(cursor.next()).isTrue();
        assertThat(cursor.kind()).isEqualTo(ActivityKind.ORDER);
        assertThat(text(cursor.bytes(), cursor.eventIdOffset(), cursor.eventIdLength())).isEqualTo("o-1");
        assertThat(text(cursor.bytes(), cursor.userIdOffset(), cursor.userIdLength())).isEqualTo("u-é");
        assertThat(cursor.eventTime()).isEqualTo(W + 1_000);
        assertThat(cursor.units()).isEqualTo(3);
        assertThat(cursor.revenueCents()).isEqualTo(2_997);
        assertThat(cursor.activity()).isEqualTo(ORDER);

        assertThat(cursor.next()).isTrue();
        assertThat(cursor.kind()).isEqualTo(ActivityKind.VIEW);
        assertThat(text(cursor.bytes(), cursor.eventIdOffset(), cursor.eventIdLength())).isEqualTo("v-1");
        assertThat(cursor.userIdLength()).as("no user").isEqualTo(-1);
        assertThat(cursor.units()).isZero();
        assertThat(cursor.revenueCents()).isZero();
        assertThat(cursor.activity()).isEqualTo(VIEW);

        assertThat(cursor.next()).isFalse();
    }

    @Test
    void writesEachIdAsItsUtf8Bytes() {
        // Short ASCII ids are written without an array of their own; the bytes are the same as for any other id.
        List<String> ids = List.of("", "a", "x".repeat(125), "x".repeat(126), "x".repeat(127), "x".repeat(300),
                "ascii-then-é", "é", "✓-" + "x".repeat(200));
        ActivityBundle.Builder builder = new ActivityBundle.Builder("p-1", W);
        ids.forEach(id -> builder.addView(id, id, W));

        ActivityBundle.Cursor cursor = builder.build().cursor();
        for (String id : ids) {
            assertThat(cursor.next()).isTrue();
            byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
            assertThat(Arrays.copyOfRange(cursor.bytes(), cursor.eventIdOffset(), cursor.eventIdOffset() + cursor.eventIdLength()))
                    .as(id).isEqualTo(utf8);
            assertThat(Arrays.copyOfRange(cursor.bytes(), cursor.userIdOffset(), cursor.userIdOffset() + cursor.userIdLength()))
                    .as(id).isEqualTo(utf8);
        }
        assertThat(cursor.next()).isFalse();
    }

    @Test
    void theActivitiesGivenToABundleCannotBeChangedThroughIt() {
        ActivityBundle bundle = new ActivityBundle("p-1", W, new ProductActivity[] {ORDER});

        bundle.activities()[0] = VIEW;

        assertThat(bundle.activities()).containsExactly(ORDER);
    }

    private static String text(byte[] bytes, int offset, int length) {
        return new String(Arrays.copyOfRange(bytes, offset, offset + length), StandardCharsets.UTF_8);
    }
}
