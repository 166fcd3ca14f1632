package io.trendstream.functions;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How runs merge: each distinct entry once, told apart by kind and id, whatever their keys. The window stage's tests
 * ({@link ProductWindowTest} and its subclasses) show the runs in state: folds, merges, firings and cleanup.
 */
class FoldedRunsTest {

    @Test
    void countsAnEntryInSeveralRunsOnce() throws Exception {
        FoldedRuns.Totals totals = merge(
                run(order("o-1", 2, 200), view("v-1"), user("u-1")),
                run(order("o-1", 2, 200), order("o-2", 1, 50), user("u-1"), user("u-2")));

        assertThat(totals).usingRecursiveComparison().isEqualTo(totals(2, 3, 250, 1, 2));
    }

    @Test
    void countsEntriesWhoseKeysCollideApart() throws Exception {
        // Every entry with one key, as ids whose hashes agree in their highest bits would have.
        FoldedRuns.Totals totals = merge(
                run(0, order("o-1", 1, 10), order("o-2", 1, 10), view("o-1"), user("o-1")),
                run(0, order("o-2", 1, 10), order("o-3", 1, 10), view("o-1"), user("o-2")));

        assertThat(totals).usingRecursiveComparison().isEqualTo(totals(3, 3, 30, 1, 2));
    }

    @Test
    void countsTheMissingUserOnceAndApartFromAnEmptyId() throws Exception {
        FoldedRuns.Totals totals = merge(run(user(null), user("")), run(user(null)));

        assertThat(totals.users).isEqualTo(2);
    }

    @Test
    void keysDoNotDependOnWhereAnIdLies() {
        byte[] alone = "user-00042".getBytes(StandardCharsets.UTF_8);
        byte[] inABundle = "xxuser-00042yy".getBytes(StandardCharsets.UTF_8);

        assertThat(FoldedRuns.key(FoldedRuns.USER, inABundle, 2, alone.length))
                .isEqualTo(FoldedRuns.key(FoldedRuns.USER, alone, 0, alone.length))
                .isNotEqualTo(FoldedRuns.key(FoldedRuns.VIEW, alone, 0, alone.length))
                .isNotNegative()
                .isLessThan(1L << 40);
    }

    private record Entry(int kind, String id, long units, long cents) {}

    private static Entry order(String id, long units, long cents) {
        return new Entry(FoldedRuns.ORDER, id, units, cents);
    }

    private static Entry view(String id) {
        return new Entry(FoldedRuns.VIEW, id, 0, 0);
    }

    private static Entry user(String id) {
        return new Entry(FoldedRuns.USER, id, 0, 0);
    }

    private static FoldedRuns.Totals merge(FoldedRuns.Entries... runs) throws Exception {
        FoldedRuns.Totals totals = new FoldedRuns.Totals();
        FoldedRuns.merge(List.of(runs), totals);
        return totals;
    }

    private static FoldedRuns.Totals totals(long orders, long units, long cents, long views, long users) {
        FoldedRuns.Totals totals = new FoldedRuns.Totals();
        totals.orders = orders;
        totals.units = units;
        totals.revenueCents = cents;
        totals.views = views;
        totals.users = users;
        return totals;
    }

    /** A run of the entries with their own keys, sorted. */
    private static FoldedRuns.Entries run(Entry... entries) {
        return run(-1, entries);
    }

    /** A run of the entries, all with key {@code key} (-1: their own), sorted by it. */
    private static FoldedRuns.Entries run(long key, Entry... entries) {
        List<Object[]> sorted = new ArrayList<>();
        for (Entry entry : entries) {
            byte[] bytes = entry.id() == null ? new byte[0] : entry.id().getBytes(StandardCharsets.UTF_8);
            int length = entry.id() == null ? -1 : bytes.length;
            sorted.add(new Object[] {key >= 0 ? key : FoldedRuns.key(entry.kind(), bytes, 0, length), entry, bytes, length});
        }
        sorted.sort((a, b) -> Long.compare((long) a[0], (long) b[0]));
        return new FoldedRuns.Entries() {
            private int next;

            @Override
            boolean next() {
                if (next == sorted.size()) {
                    return false;
                }
                Object[] at = sorted.get(next++);
                Entry entry = (Entry) at[1];
                key = (long) at[0];
                kind = entry.kind();
                bytes = (byte[]) at[2];
                offset = 0;
                length = (int) at[3];
                units = entry.units();
                cents = entry.cents();
                return true;
            }
        };
    }
}
