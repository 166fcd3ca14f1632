package io.trendstream.generator;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;

/**
 * The generator's command line (see {@link CommandLine#USAGE}). Exit status: 0 done, 1 the run failed (Kafka or the
 * registry unusable: the message says what to check), 2 the command line is wrong. Progress goes to stderr, one
 * summary line to stdout.
 */
public final class GeneratorMain {

    private GeneratorMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine.Parsed parsed;
        try {
            parsed = CommandLine.parse(args, System.getenv(), Clock.systemUTC(), ConsoleProgress.onStderr());
        } catch (UsageException e) {
            err.println("generator: " + e.getMessage());
            err.println("Try --help.");
            return 2;
        }
        if (parsed.help()) {
            out.println(CommandLine.USAGE);
            return 0;
        }
        EventGenerator generator = parsed.generator();
        long startedNanos = System.nanoTime();
        Manifest manifest;
        try {
            manifest = generator.run();
        } catch (GeneratorException e) {
            err.println();
            err.println("generator: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println();
            err.println("generator: the run failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        if (parsed.manifest().isPresent()) {
            try {
                manifest.write(parsed.manifest().get());
            } catch (IOException e) {
                err.println("generator: cannot write the manifest to " + parsed.manifest().get() + ": " + e.getMessage());
                return 1;
            }
        }
        Counts c = manifest.counts();
        out.println(String.format(Locale.ROOT,
                "generator: sent %d events in %.1f s (%.0f events/s): %d orders, %d views, %d duplicates, %d late,"
                        + " %d malformed; open window %s; manifest %s",
                c.eventsSent(), seconds, c.eventsSent() / Math.max(seconds, 1e-9), c.validOrders(), c.validViews(),
                c.duplicates(), c.late(), c.malformed(), Manifest.iso(manifest.openWindowStart()),
                parsed.manifest().map(Object::toString).orElse("not written (no --manifest)")));
        return 0;
    }
}
