package io.trendstream.functions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Ids counted once by their bytes, wherever they lie, each with the values of its last copy. */
class DistinctIdsTest {

    @Test
    void anIdSeenAgainInAnotherArrayOrPlaceIsTheSameId() {
        byte[] first = bytes("..o-1..o-2");
        byte[] second = bytes("o-2o-1");
        DistinctIds ids = new DistinctIds(4, true);

        ids.add(first, 2, 3, 1, 100);
        ids.add(first, 7, 3, 2, 200);
        ids.add(second, 0, 3, 3, 300); // o-2 again: its last copy stands
        ids.add(second, 3, 3, 1, 100);

        assertThat(ids.size()).isEqualTo(2);
        assertThat(entries(ids)).containsExactly("o-1=1/100", "o-2=3/300");
    }

    @Test
    void theMissingIdAndTheEmptyIdAreTwoIdsOfTheirOwn() {
        byte[] empty = bytes("");
        DistinctIds ids = new DistinctIds(4, false);

        ids.add(empty, 0, -1);
        ids.add(empty, 0, 0);
        ids.add(empty, 0, -1);

        assertThat(ids.size()).isEqualTo(2);
        assertThat(ids.id(0)).isNull();
        assertThat(ids.id(1)).isEmpty();
    }

    @Test
    void idsThatDifferInOneByteAnywhereAreTwoIds() {
        String[] similar = {"0123456789abcdef-a", "0123456789abcdef-b", "x123456789abcdef-a", "0123456789abcdeX-a"};
        byte[] text = bytes(String.join("", similar));
        DistinctIds ids = new DistinctIds(4, false);

        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < similar.length; i++) {
                ids.add(text, i * 18, 18);
            }
        }

        assertThat(ids.size()).isEqualTo(4);
        assertThat(List.of(ids.id(0), ids.id(1), ids.id(2), ids.id(3))).containsExactly(similar);
    }

    @Test
    void shortIdsThatDifferOnlyInTrailingZeroBytesAreTwoIds() {
        // Ids of up to eight bytes are compared by their first eight bytes, zero-padded, and their length.
        byte[] text = {'u', '7', 'u', '7', 0, 'u', '7', 0, 0, 0, 0, 0, 0, 0};
        DistinctIds ids = new DistinctIds(4, false);

        for (int round = 0; round < 2; round++) {
            ids.add(text, 0, 2);
            ids.add(text, 2, 3);
            ids.add(text, 5, 9);
        }

        assertThat(ids.size()).isEqualTo(3);
        assertThat(List.of(ids.id(0).length(), ids.id(1).length(), ids.id(2).length())).containsExactly(2, 3, 9);
    }

    @ParameterizedTest(name = "from a table for {0}")
    @ValueSource(ints = {10, 200, 5_000})
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a table not a power of two once looped
    void growsPastTheExpectedNumberOfIds(int expected) {
        byte[] text = bytes(String.join(",", numbered(10_000)));
        DistinctIds ids = new DistinctIds(expected, false);

        int offset = 0;
        for (String id : numbered(10_000)) {
            ids.add(text, offset, id.length());
            ids.add(text, offset, id.length());
            offset += id.length() + 1;
        }

        assertThat(ids.size()).isEqualTo(10_000);
        assertThat(ids.id(9_999)).isEqualTo("id-9999");
    }

    @ParameterizedTest(name = "after {0} ids")
    @ValueSource(ints = {3, 200, 10_000})
    void aClearedSetStartsFromNoIdsAndCountsAgain(int before) {
        byte[] text = bytes(String.join(",", numbered(before)));
        DistinctIds ids = new DistinctIds(before, true);
        int offset = 0;
        for (String id : numbered(before)) {
            ids.add(text, offset, id.length(), 1, 1);
            offset += id.length() + 1;
        }

        ids.clear(4);

        assertThat(ids.size()).isZero();
        byte[] again = bytes("id-1id-2id-1");
        ids.add(again, 0, 4, 7, 70);
        ids.add(again, 4, 4, 8, 80);
        ids.add(again, 8, 4, 9, 90);
        ids.add(again, 0, -1, 0, 0);
        assertThat(entries(ids)).containsExactly("id-1=9/90", "id-2=8/80", "null=0/0");
    }

    private static List<String> numbered(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("id-" + i);
        }
        return ids;
    }

    private static List<String> entries(DistinctIds ids) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            entries.add(ids.id(i) + "=" + ids.first(i) + "/" + ids.second(i));
        }
        return entries;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
