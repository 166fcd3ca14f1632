package io.trendstream.functions;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The bounds every input event must keep, so that no single event can fail a write downstream: the one source of
 * truth for the job's rules (and for anything else that validates events, such as a gateway). Each bound is derived
 * from what holds the value: the database columns of {@code sql/001_tables.sql}, the Avro schemas, and Flink's
 * window arithmetic.
 */
public final class EventLimits {

    /**
     * Longest string field, in UTF-16 chars. A char takes at most 3 bytes in UTF-8 (a surrogate pair, 2 chars, takes
     * 4), so an id takes at most 384 bytes. The widest index key is {@code late_events_pkey (event_id, product_id,
     * event_time)}: at most 2 × 384 + 8 bytes plus a few bytes of tuple header, well under B-tree's limit of 2,704
     * bytes per index row on 8 kB pages (one third of a page; beyond it PostgreSQL refuses the row). Ids of real
     * producers (UUIDs: 36 chars) fit many times over.
     */
    public static final int MAX_TEXT_LENGTH = 128;

    /** Line items per order: bounds the work and the activities a single order fans out to. */
    public static final int MAX_LINE_ITEMS = 1_000;

    /** Decimal places of money: the Avro {@code decimal(12,2)} of a unit price and the {@code numeric(18,2)} columns. */
    public static final int MONEY_SCALE = 2;

    /** Largest unit price: Avro {@code decimal(12,2)}, the unit price's declared type. */
    public static final BigDecimal MAX_UNIT_PRICE = new BigDecimal("9999999999.99");

    /**
     * Largest number of units of one product in one order (over all its lines): fits {@code late_events.units
     * integer} with room to spare.
     */
    public static final int MAX_UNITS_PER_PRODUCT = 1_000_000;

    /**
     * Largest revenue of one product in one order (over all its lines), the same bound as a unit price. It fits
     * {@code late_events.revenue numeric(18,2)}, and a window's {@code product_window_stats.revenue numeric(18,2)}
     * (up to 9,999,999,999,999,999.99) holds the sum of at least 1,000,000 such orders of one product in one window.
     * That many maximal orders in one product window is the documented limit of the revenue column.
     */
    public static final BigDecimal MAX_REVENUE_PER_PRODUCT = new BigDecimal("9999999999.99");

    /**
     * Earliest event time: the Unix epoch. Earlier times are producer bugs (unset clocks, Long.MIN_VALUE, which
     * Flink reserves for "no timestamp"), and keep window arithmetic far from overflow.
     */
    public static final Instant MIN_EVENT_TIME = Instant.EPOCH;

    /**
     * Latest event time: the end of year 9999. Within PostgreSQL's {@code timestamptz} (up to year 294276) and far
     * from {@code Long.MAX_VALUE}, so a window's start and end never overflow. The allowed future skew
     * ({@code validation.max-future-skew}) is the tighter bound in practice.
     */
    public static final Instant MAX_EVENT_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

    private EventLimits() {}
}
