package io.trendstream.functions;

import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ProductActivity;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The held bundles of a window go to state in writes of bounded size, so that the state backend's serialization
 * buffer, which keeps its largest content, stays small however much one window gathers between two snapshots. (That
 * every bundle reaches state and counts once: the window operator's tests on RocksDB, across snapshots and restores.)
 */
class HeldWindowsTest {

    private static ActivityBundle bundleOf(int activities, int n) {
        ProductActivity[] a = new ProductActivity[activities];
        for (int i = 0; i < activities; i++) {
            a[i] = ProductActivity.view("v-" + n + "-" + i, "p-1", "u-1", 1_000L + i);
        }
        return new ActivityBundle("p-1", 0L, a);
    }

    @Test
    void cutsAWindowsBundlesIntoWritesOfAtMostTheLimitInOrder() {
        List<ActivityBundle> bundles = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            bundles.add(bundleOf(1 + n % 7, n));
        }
        int limit = 200;

        List<List<ActivityBundle>> chunks = HeldWindows.chunks(bundles, limit);

        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.stream().mapToInt(ActivityBundle::encodedBytes).sum())
                .isLessThanOrEqualTo(limit));
        assertThat(chunks.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(bundles);
    }

    @Test
    void writesABundleLargerThanTheLimitOnItsOwnAndASmallListAtOnce() {
        ActivityBundle small = bundleOf(1, 0);
        ActivityBundle large = bundleOf(50, 1);
        ActivityBundle another = bundleOf(1, 2);

        assertThat(HeldWindows.chunks(List.of(small, large, another), large.encodedBytes() - 1))
                .containsExactly(List.of(small), List.of(large), List.of(another));
        assertThat(HeldWindows.chunks(List.of(small, another), HeldWindows.MAX_WRITE_BYTES))
                .containsExactly(List.of(small, another));
    }
}
