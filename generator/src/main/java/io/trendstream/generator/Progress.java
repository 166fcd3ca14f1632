package io.trendstream.generator;

/**
 * Where a run is.
 *
 * @param eventsSent records written so far (all kinds)
 * @param slotsDone how many of the run's event slots are done
 * @param slotsTotal the run's event slots
 * @param elapsedNanos since the first record
 */
public record Progress(long eventsSent, long slotsDone, long slotsTotal, long elapsedNanos) {

    public double fractionDone() {
        return slotsTotal == 0 ? 1.0 : (double) slotsDone / slotsTotal;
    }

    public double eventsPerSecond() {
        return elapsedNanos <= 0 ? 0.0 : eventsSent * 1e9 / elapsedNanos;
    }

    /** Seconds left at the pace so far; -1 before there is a pace. */
    public long etaSeconds() {
        if (slotsDone == 0 || elapsedNanos <= 0) {
            return -1;
        }
        double nanosPerSlot = (double) elapsedNanos / slotsDone;
        return Math.round((slotsTotal - slotsDone) * nanosPerSlot / 1e9);
    }

    /** Told where a run is, a few times a second; called on the generating thread, so keep it cheap. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void update(Progress progress) {
            }

            @Override
            public void finished(Progress progress) {
            }
        };

        void update(Progress progress);

        void finished(Progress progress);
    }
}
