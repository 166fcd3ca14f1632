package io.trendstream.sink;

import io.trendstream.events.Severity;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.TrendMetric;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.LateEvent;
import io.trendstream.records.WindowAggregate;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Each upsert binds every placeholder of its query exactly once, with the row's values in SQL types. */
class JdbcStatementsTest {

    private static final long T = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

    /** A PreparedStatement that records the parameters bound to it, by index. */
    private static final class Bindings {
        final Map<Integer, Object> values = new TreeMap<>();
        int bindings;

        PreparedStatement statement() {
            return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                        if (method.getName().startsWith("set") && args != null && args.length >= 2) {
                            bindings++;
                            values.put((Integer) args[0], method.getName().equals("setNull") ? "NULL:" + args[1] : args[1]);
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private static long placeholders(String query) {
        return query.chars().filter(c -> c == '?').count();
    }

    private static OffsetDateTime utc(long millis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    @Test
    void upsertsAWindowRowWithDerivedValues() throws Exception {
        WindowAggregateUpsert upsert = new WindowAggregateUpsert();
        Bindings b = new Bindings();

        upsert.statement(b.statement(), new WindowAggregate("p-1", T, T + 60_000, 3, 5, 1_035, 4, 6));

        assertThat(b.bindings).isEqualTo(placeholders(upsert.query())).isEqualTo(10);
        assertThat(b.values).containsExactly(
                Map.entry(1, utc(T)), Map.entry(2, utc(T + 60_000)), Map.entry(3, "p-1"), Map.entry(4, 3L),
                Map.entry(5, 5L), Map.entry(6, new BigDecimal("10.35")), Map.entry(7, new BigDecimal("3.45")),
                Map.entry(8, 4L), Map.entry(9, 6L), Map.entry(10, 0.5));
        assertThat(upsert.query()).startsWith("INSERT INTO product_window_stats ")
                .contains("ON CONFLICT (product_id, window_start) DO UPDATE SET");
    }

    @Test
    void bindsAnUndefinedConversionAsSqlNull() throws Exception {
        Bindings b = new Bindings();

        new WindowAggregateUpsert().statement(b.statement(), new WindowAggregate("p-1", T, T + 60_000, 1, 1, 100, 1, 0));

        assertThat(b.values.get(10)).isEqualTo("NULL:" + Types.DOUBLE);
    }

    @Test
    void upsertsAnAlert() throws Exception {
        TrendAlertUpsert upsert = new TrendAlertUpsert();
        Bindings b = new Bindings();
        TrendAlert alert = TrendAlert.newBuilder().setProductId("p-1")
                .setWindowStart(Instant.ofEpochMilli(T)).setWindowEnd(Instant.ofEpochMilli(T + 60_000))
                .setMetric(TrendMetric.VIEWS).setObserved(25.0).setBaseline(10.0).setRatio(2.5)
                .setSeverity(Severity.HIGH).build();

        upsert.statement(b.statement(), alert);

        assertThat(b.bindings).isEqualTo(placeholders(upsert.query())).isEqualTo(8);
        assertThat(b.values).containsExactly(
                Map.entry(1, utc(T)), Map.entry(2, utc(T + 60_000)), Map.entry(3, "p-1"), Map.entry(4, "VIEWS"),
                Map.entry(5, 25.0), Map.entry(6, 10.0), Map.entry(7, 2.5), Map.entry(8, "HIGH"));
        assertThat(upsert.query()).contains("ON CONFLICT (product_id, metric, window_start) DO UPDATE SET");
    }

    @Test
    void insertsALateEventOnce() throws Exception {
        LateEventInsert insert = new LateEventInsert();
        Bindings b = new Bindings();

        insert.statement(b.statement(), new LateEvent("o-4", "p-1", ActivityKind.ORDER, T + 40_000, T, 3, 1_999, T + 84_999));

        assertThat(b.bindings).isEqualTo(placeholders(insert.query())).isEqualTo(8);
        assertThat(b.values).containsExactly(
                Map.entry(1, utc(T + 40_000)), Map.entry(2, "o-4"), Map.entry(3, "p-1"), Map.entry(4, "ORDER"),
                Map.entry(5, utc(T)), Map.entry(6, 3), Map.entry(7, new BigDecimal("19.99")), Map.entry(8, utc(T + 84_999)));
        assertThat(insert.query()).contains("ON CONFLICT (event_id, kind, product_id, event_time) DO NOTHING");
    }

    @Test
    void aLateEventBeforeAnyWatermarkIsStoredWithTheEpochAsWatermark() throws Exception {
        Bindings b = new Bindings();

        new LateEventInsert().statement(b.statement(),
                new LateEvent("v-1", "p-1", ActivityKind.VIEW, T, T, 0, 0, Long.MIN_VALUE));

        assertThat(b.values.get(8)).isEqualTo(utc(0));
    }
}
