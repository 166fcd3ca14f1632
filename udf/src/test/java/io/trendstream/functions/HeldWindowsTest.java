package io.trendstream.functions;

import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ProductActivity;

import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A window that opens and closes between two snapshots costs no state access at all; the held bundles of a window go to
 * state in writes of bounded size, so that the state backend's serialization buffer, which keeps its largest content,
 * stays small however much one window gathers between two snapshots. (That every bundle reaches state and counts once:
 * the window operator's tests on RocksDB, across snapshots, restores and windows dropped from the heap.)
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

    private static final TimeWindow W0 = new TimeWindow(0, 60_000);
    private static final TimeWindow W1 = new TimeWindow(60_000, 120_000);

    /** The state calls the held windows make, in order (the namespace set before each one left out). */
    private final List<String> stateCalls = new ArrayList<>();

    @Test
    void aWindowThatOpensAndClosesBetweenTwoSnapshotsCostsNoStateAccess() throws Exception {
        HeldWindows held = heldWindows(10);

        arrive(held, W0, bundleOf(3, 0));
        arrive(held, W0, bundleOf(2, 1));

        assertThat(held.bundles(W0)).containsExactly(bundleOf(3, 0), bundleOf(2, 1));
        held.remove(W0);
        assertThat(stateCalls).isEmpty();
    }

    @Test
    void aWindowWrittenAtASnapshotIsReadAndDeletedFromState() throws Exception {
        HeldWindows held = heldWindows(10);
        arrive(held, W0, bundleOf(3, 0));

        held.persist();
        assertThat(stateCalls).containsExactly("InternalValueState.update", "InternalListState.addAll");
        stateCalls.clear();
        held.bundles(W0);
        held.remove(W0);

        assertThat(stateCalls)
                .containsExactly("InternalListState.get", "InternalValueState.clear", "InternalListState.clear");
    }

    @Test
    void aWindowThatMayHaveBeenRestoredIsLookedUpInStateAndALaterOneIsNot() throws Exception {
        HeldWindows held = heldWindows(10);
        held.mayBeStoredUntil(W0.getEnd());

        assertThat(held.counts(W0)).isNull();
        held.bundles(W0); // without counts, it may hold bundles of a savepoint of the version before them
        assertThat(stateCalls).containsExactly("InternalValueState.value", "InternalListState.get");
        stateCalls.clear();
        arrive(held, W1, bundleOf(1, 0));
        held.bundles(W1);
        held.remove(W1);

        assertThat(stateCalls).isEmpty();
    }

    @Test
    void aWindowDroppedFromTheHeapIsLookedUpInStateAgain() throws Exception {
        HeldWindows held = heldWindows(1);
        arrive(held, W0, bundleOf(1, 0));
        arrive(held, W1, bundleOf(1, 1)); // two windows where the heap holds one: both written, both dropped
        stateCalls.clear();

        held.counts(W0);
        held.counts(W1);

        assertThat(stateCalls).containsExactly("InternalValueState.value", "InternalValueState.value");
    }

    /** A bundle arriving as {@link WindowContents#add} takes it: counts looked up, bundle held, counts put. */
    private static void arrive(HeldWindows held, TimeWindow window, ActivityBundle bundle) throws Exception {
        long[] counts = held.counts(window);
        long[] next = counts == null ? new long[3] : counts.clone();
        held.addBundle(window, bundle);
        next[0] += bundle.size();
        held.putCounts(window, next);
    }

    @SuppressWarnings("unchecked")
    private HeldWindows heldWindows(int maxWindows) {
        return new HeldWindows(recording(InternalValueState.class), recording(InternalListState.class), new OneKey(),
                maxWindows, 1_000_000);
    }

    /** A state that holds nothing (every read finds nothing) and records each call but the namespace's. */
    private <S> S recording(Class<S> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (!method.getName().equals("setCurrentNamespace")) {
                stateCalls.add(type.getSimpleName() + "." + method.getName());
            }
            return null;
        }));
    }

    private static final class OneKey implements KeyContext {
        @Override
        public void setCurrentKey(Object key) {}

        @Override
        public Object getCurrentKey() {
            return "p-1";
        }
    }
}
