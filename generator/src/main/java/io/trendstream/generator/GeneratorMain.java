package io.trendstream.generator;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
        CountDownLatch finished = new CountDownLatch(1);
        Thread stopOnSignal = new Thread(() -> {
            // Ctrl-C / SIGTERM: stop after the current record, commit, write the manifest, then let the JVM exit.
            generator.requestStop();
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "generator-stop");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        try {
            return finish(generator, parsed, startedNanos, out, err);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and has been released above
            }
        }
    }

    private static int finish(EventGenerator generator, CommandLine.Parsed parsed, long startedNanos, PrintStream out,
                              PrintStream err) {
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
                "generator: %s %d events in %.1f s (%.0f events/s): %d orders, %d views, %d duplicates, %d late,"
                        + " %d malformed; open window %s; manifest %s",
                Boolean.TRUE.equals(manifest.parameters().get("complete")) ? "sent" : "STOPPED EARLY, sent",
                c.eventsSent(), seconds, c.eventsSent() / Math.max(seconds, 1e-9), c.validOrders(), c.validViews(),
                c.duplicates(), c.late(), c.malformed(), Manifest.iso(manifest.openWindowStart()),
                parsed.manifest().map(Object::toString).orElse("not written (no --manifest)")));
        return 0;
    }
}
