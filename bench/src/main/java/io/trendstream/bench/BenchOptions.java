package io.trendstream.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The runner's command line; every option has a default so that {@code bin/bench} alone runs the benchmark. */
final class BenchOptions {
    long events = 3_000_000;
    int products = 300;
    int users = 5_000;
    int partitions = 4;
    /** Events per second of event time: with the window size, how many windows the data spans. */
    long eventRate = 1_000;
    int parallelism = 2;
    Duration windowSize = Duration.ofMinutes(1);
    Duration allowedLateness = Duration.ofSeconds(30);
    Duration outOfOrderness = Duration.ofSeconds(5);
    /** The shipped default (checkpoint.interval = 10 s). */
    Duration checkpointInterval = Duration.ofSeconds(10);
    /** Variants to run, in order: ceiling, pipeline, streams, streams-updates. */
    List<String> variants = new ArrayList<>(List.of("ceiling", "pipeline", "streams", "streams-updates"));
    /** Extra pipeline runs: at parallelism 1 (same data), and on a second, smaller input size. */
    boolean extraRuns = false;
    long secondSizeEvents = 0;
    Duration variantTimeout = Duration.ofMinutes(10);
    Path resultsDir = Path.of("bench/results");
    String command = "bin/bench";

    static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        List<String> given = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            given.add(name);
            if (name.equals("--extra-runs")) {
                o.extraRuns = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            given.add(value);
            switch (name) {
                case "--events" -> o.events = Long.parseLong(value);
                case "--products" -> o.products = Integer.parseInt(value);
                case "--users" -> o.users = Integer.parseInt(value);
                case "--event-rate" -> o.eventRate = Long.parseLong(value);
                case "--partitions" -> o.partitions = Integer.parseInt(value);
                case "--parallelism" -> o.parallelism = Integer.parseInt(value);
                case "--checkpoint-interval" -> o.checkpointInterval = Duration.ofMillis(Long.parseLong(value));
                case "--variants" -> o.variants = new ArrayList<>(List.of(value.split(",")));
                case "--second-size" -> o.secondSizeEvents = Long.parseLong(value);
                case "--timeout-seconds" -> o.variantTimeout = Duration.ofSeconds(Long.parseLong(value));
                case "--results-dir" -> o.resultsDir = Path.of(value);
                default -> throw new IllegalArgumentException("Unknown option " + name
                        + " (known: --events --products --users --partitions --parallelism --checkpoint-interval MS"
                        + " --variants ceiling,pipeline,streams,streams-updates --extra-runs --second-size N --timeout-seconds S --results-dir DIR)");
            }
        }
        o.command = given.isEmpty() ? "bin/bench" : "bin/bench " + String.join(" ", given);
        return o;
    }
}
