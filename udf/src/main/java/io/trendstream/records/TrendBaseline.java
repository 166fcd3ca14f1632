package io.trendstream.records;

/**
 * A product's baseline in the trend detector's keyed state: exponential moving averages of window
 * revenue and views. A Flink POJO, so that fields can be added across savepoints.
 */
public class TrendBaseline {
    /** Windows folded into the averages so far. */
    public int windowsSeen;
    /** EMA of window revenue, in currency units. */
    public double revenueEma;
    /** EMA of window views. */
    public double viewsEma;
    /** End of the newest window folded in; a later firing of the same window is a late refinement. */
    public long lastWindowEnd = Long.MIN_VALUE;

    public TrendBaseline() {}
}
