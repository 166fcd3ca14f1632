package io.trendstream.bench;

import io.trendstream.generator.WindowCount;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Compares a variant's product_window_stats with the manifest's exact totals, for every closed window. */
final class ResultVerifier {

    /** Outcome: mismatches lists the first few differences, for the report. */
    record Verdict(boolean correct, int expectedRows, int matchingRows, int extraOpenRows, List<String> mismatches) {}

    private ResultVerifier() {}

    static Map<String, WindowCount> readRows(Connection connection) throws SQLException {
        Map<String, WindowCount> rows = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT product_id, (extract(epoch FROM window_start) * 1000)::bigint, orders, units, revenue, views,"
                        + " distinct_users FROM product_window_stats");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                WindowCount row = new WindowCount(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getBigDecimal(5).setScale(2), rs.getLong(6), rs.getLong(7));
                rows.put(row.key(), row);
            }
        }
        return rows;
    }

    /**
     * @param expected the closed windows, which must match exactly
     * @param all every manifest row: a row outside it (a window with no activity, or a wrong key) is an error
     */
    static Verdict verify(Map<String, WindowCount> expected, Map<String, WindowCount> all, Map<String, WindowCount> actual) {
        List<String> mismatches = new ArrayList<>();
        int matching = 0;
        for (WindowCount want : expected.values()) {
            WindowCount got = actual.get(want.key());
            if (got == null) {
                note(mismatches, "missing " + want.key());
            } else if (!same(want, got)) {
                note(mismatches, "differs " + want + " vs " + got);
            } else {
                matching++;
            }
        }
        int extra = 0;
        for (String key : actual.keySet()) {
            if (!all.containsKey(key)) {
                note(mismatches, "unexpected row " + key);
            } else if (!expected.containsKey(key)) {
                extra++; // a window the final watermark may not have closed: not compared
            }
        }
        return new Verdict(mismatches.isEmpty() && matching == expected.size() && !expected.isEmpty(), expected.size(), matching, extra, mismatches);
    }

    private static boolean same(WindowCount a, WindowCount b) {
        return a.orders() == b.orders() && a.units() == b.units() && a.revenue().compareTo(b.revenue()) == 0
                && a.views() == b.views() && a.distinctUsers() == b.distinctUsers();
    }

    private static void note(List<String> mismatches, String text) {
        if (mismatches.size() < 10) {
            mismatches.add(text);
        }
    }

}
