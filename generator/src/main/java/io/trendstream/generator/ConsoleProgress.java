package io.trendstream.generator;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr: one line rewritten in place on a terminal, a plain line every few seconds otherwise (logs
 * and CI output should not fill with carriage returns).
 */
final class ConsoleProgress implements Progress.Listener {

    private static final long TERMINAL_EVERY_NANOS = 250_000_000L;
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private long lastPrinted = Long.MIN_VALUE;

    ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** On stderr; a terminal when the JVM has a console (stdin and stdout are a terminal). */
    static ConsoleProgress onStderr() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    @Override
    public void update(Progress progress) {
        long every = terminal ? TERMINAL_EVERY_NANOS : PLAIN_EVERY_NANOS;
        if (lastPrinted != Long.MIN_VALUE && progress.elapsedNanos() - lastPrinted < every) {
            return;
        }
        lastPrinted = progress.elapsedNanos();
        print(progress, false);
    }

    @Override
    public void finished(Progress progress) {
        print(progress, true);
    }

    private void print(Progress p, boolean last) {
        // The first second's pace says little (JIT, connections): no ETA yet.
        String eta = p.etaSeconds() < 0 || p.elapsedNanos() < 1_000_000_000L ? "--" : formatSeconds(p.etaSeconds());
        String line = String.format(Locale.ROOT, "sent %,d events  %,.0f events/s  %5.1f%% done  ETA %s",
                p.eventsSent(), p.eventsPerSecond(), 100 * p.fractionDone(),
                last ? (p.slotsDone() < p.slotsTotal() ? "stopped" : "0s") : eta);
        if (terminal) {
            // \r and clear-to-end-of-line: the line shrinks cleanly when the ETA gets shorter.
            out.print("\r" + line + "\033[K" + (last ? System.lineSeparator() : ""));
        } else {
            out.println("[generator] " + line);
        }
        out.flush();
    }

    static String formatSeconds(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02d", seconds % 3600 / 60) + "m";
    }
}
