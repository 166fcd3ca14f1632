package io.trendstream.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The runner's command line; every option has a default so that {@code bin/bench} alone runs the benchmark. */
final class BenchOptions implements Cloneable {
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
    /**
     * The like-for-like Kafka Streams peer's window grace in a backlog replay; null: the replay's whole event-time
     * span plus its out-of-orderness, in whole windows ({@link #peerGrace(Dataset)}; bench/README.md, "The Kafka
     * Streams peer").
     */
    Duration peerGrace = null;
    /** The peer's max.task.idle.ms. */
    Duration peerTaskIdle = Duration.ZERO;
    /** Further Kafka Streams settings for the peers (streams, streams-updates), as given: key=value,key=value. */
    Map<String, String> peerConfig = new TreeMap<>();
    /** Pipeline settings (PipelineOptions keys) for the pipeline runs, as given: key=value,key=value. Default: none (as shipped). */
    Map<String, String> pipelineConfig = new TreeMap<>();
    /** The shipped default (checkpoint.interval = 10 s). */
    Duration checkpointInterval = Duration.ofSeconds(10);
    /** Variants to run, in order: ceiling, pipeline, sql, streams, and on request the diagnostics bundled and streams-updates. */
    List<String> variants = new ArrayList<>(List.of("ceiling", "pipeline", "sql", "streams"));
    /** Every dataset skewed: product p0 has 90 % of the events (Dataset.SKEW_SHARE). */
    boolean skewed = false;
    /**
     * Paced runs (input written in real time, event time = wall-clock time) for latency from the window's end: this
     * many events per second; 0 = none.
     */
    long pacedRate = 10_000;
    /** How long each paced run writes input: at least 60 s of steady state and 6 checkpoints at the shipped 10 s. */
    Duration pacedDuration = Duration.ofSeconds(70);
    /**
     * Window size of the paced runs: short enough that many windows close within {@link #pacedDuration}, each a
     * latency sample (with the backlog's 1 min windows a 70 s run closed one) and a window the Kafka Streams peer's
     * rows are judged on after its grace. 7 s, not a divisor of the 10 s checkpoint interval: a window's row waits
     * for the next checkpoint after it fires, so windows that all ended at the same phase of the checkpoint cycle
     * would all wait alike (p50 = p99, by luck anywhere between 0 and 10 s); these end at every phase of it.
     */
    Duration pacedWindowSize = Duration.ofSeconds(7);
    /** The variants of the paced latency runs. */
    List<String> latencyVariants = new ArrayList<>(List.of("pipeline", "sql", "streams"));
    /** Checkpoint intervals of the paced latency runs: the shipped one, and 1 s (what exactly-once costs there). */
    List<Duration> latencyCheckpointIntervals = new ArrayList<>(List.of(Duration.ofSeconds(10), Duration.ofSeconds(1)));
    /**
     * Maximum sustainable throughput: for each variant of {@link #maxRateVariants}, paced runs at these rates in turn
     * until one does not keep up (or is wrong), then up to two between the highest kept up with and that one
     * ({@link RateSearch}); empty = none.
     */
    List<Long> maxRates = new ArrayList<>(List.of(100_000L, 200_000L, 400_000L));
    /** Default: the pipeline's (each step is a paced run of --paced-seconds; see bench/README.md for the time). */
    List<String> maxRateVariants = new ArrayList<>(List.of("pipeline"));
    /**
     * Peak heap check: the pipeline on skewed backlogs of this many events and ten times as many, then on backlogs
     * spread evenly over the products of as many (there the 1x run is shorter than 60 s); 0 = none. Large
     * enough for the 1x run to be a measured run by issue 12's bar (60 s, 6 checkpoints at ~300k events/s): the
     * live heap of a steady replay swings by a third from one sample to the next, so the peak of a short run says
     * little (at 3M the 1x run lasted 15 s; at 300k under a second).
     */
    long heapEvents = 15_000_000;
    /**
     * How many times the heap check runs the pipeline on the 1x backlog, each from empty state; its 1x peak is the
     * highest of them. The peak of a run is the largest of its live-heap samples, and the 10x run takes ten times as
     * many as one 1x run: the highest of a larger draw from the same bounded, fluctuating heap (held bundles, fetched
     * records, buffers in flight). Ten 1x runs read as much input and take about as many samples as the 10x run, so
     * that what differs between the two sides is only whether state accumulates over ten times the input.
     */
    int heapRepeats = 10;
    /**
     * How many times every compared variant runs for its throughput, in turn: the ratio targets are judged on the
     * median of the pairs' ratios, so that one run on a shared machine decides less.
     */
    int pairs = 3;
    /**
     * Throughput runs: each variant reads a backlog larger than it can finish ({@link #throughputEvents}) and is
     * measured over this long a steady state (after {@link #THROUGHPUT_LEAD}), then cancelled. Every variant's
     * rows are checked against the manifest in its complete run on the main backlog, which comes first; its speed
     * counts only if that run was correct. 0 = no separate throughput runs: the pairs run the main backlog to
     * completion (their steady state then lasts as long as the main backlog does).
     */
    Duration throughputSteady = Duration.ofSeconds(60);
    /**
     * Size of the throughput backlog: enough for the ceiling's up to 3M events/s over the lead and the steady state
     * (the ceiling ran out of 40M after 45-48 s of its 60 in the first full run, of 60M after 46-51 s in the second,
     * of 90M after 52-57 s once the JIT was out of its runs, of 120M after 59.7-60 s at 1.81-1.86M events/s once the
     * polled metrics were read in process; it read 1.5-2.0M events/s on a slower machine once the job's own
     * deserializer decoded for a third less CPU per event).
     */
    long throughputEvents = 200_000_000;
    /**
     * Before the pairs, every compared variant runs once on the throughput backlog for this long (after the lead),
     * unmeasured. The small warm-up backlog ({@link #warmupEvents}) takes a variant seconds: too short a run to make
     * hot the code a long run calls now and then (checkpoints, sinks, fetches, REST), which the JIT then compiled in
     * the first pair, with the compiler threads at a fifth to a third of a core (bench/README.md). 0 = none.
     */
    Duration throughputWarmup = Duration.ofSeconds(40);
    /** Skipped at the start of a throughput run: sources connecting, the first checkpoint, the JIT's last compiles. */
    static final Duration THROUGHPUT_LEAD = Duration.ofSeconds(5);
    /** Extra pipeline runs: at parallelism 1 (same data), and on a second, smaller input size. */
    boolean extraRuns = false;

    /** The parallelism of the extra run: 2 when the others run at 1, else 1. */
    int otherParallelism() {
        return parallelism == 1 ? 2 : 1;
    }

    /** The highest parallelism any Flink run of this invocation has: the slots its cluster needs. */
    int maxParallelism() {
        return extraRuns ? Math.max(parallelism, otherParallelism()) : parallelism;
    }
    long secondSizeEvents = 0;
    /**
     * Events of a separate, smaller dataset every variant first runs on, unmeasured: the JIT compiles the hot paths
     * of Kafka's clients, Avro, Flink, RocksDB's JNI and Kafka Streams there, not in the measured runs (on 2 cores
     * the compiler threads otherwise take a large share of a short run's CPU). 0 turns it off.
     */
    long warmupEvents = 1_000_000;
    Duration variantTimeout = Duration.ofMinutes(10);
    Path resultsDir = Path.of("bench/results");
    /**
     * Whether the run rewrites the results part of bench/README.md and README.md (between ResultsWriter's markers):
     * yes for the committed results directory, no when --results-dir points elsewhere (tests, experiments).
     */
    boolean updateReadmes = true;
    String command = "bin/bench";

    /**
     * The peer's grace for a replay of {@code dataset}: the given one, or as much disorder as the replay can have.
     * Kafka Streams closes a window when its task's stream time (the newest timestamp it has processed) passes the
     * window's end + grace, and in a replay its tasks drift apart by any share of the span (measured: 0.27 to 0.96):
     * a record can be as late as the newest event time minus its own window's end, which is less than the span plus
     * the out-of-orderness. With that grace no record is dropped; the windows close at the end of the input
     * ({@link StreamsPeer#awaitingFinalRows}).
     */
    Duration peerGrace(Dataset dataset) {
        if (peerGrace != null) {
            return peerGrace;
        }
        long window = windowSize.toMillis();
        long span = dataset.eventTimeSpanMillis() + outOfOrderness.toMillis();
        return Duration.ofMillis((span + window - 1) / window * window);
    }

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
            if (name.equals("--skewed")) {
                o.skewed = true;
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
                case "--peer-grace" -> o.peerGrace = value.equals("auto") ? null : Duration.ofSeconds(Long.parseLong(value));
                case "--peer-task-idle-ms" -> o.peerTaskIdle = Duration.ofMillis(Long.parseLong(value));
                case "--peer-config" -> putPairs(name, value, o.peerConfig);
                case "--pipeline-config" -> putPairs(name, value, o.pipelineConfig);
                case "--checkpoint-interval" -> o.checkpointInterval = Duration.ofMillis(Long.parseLong(value));
                case "--variants" -> o.variants = new ArrayList<>(List.of(value.split(",")));
                case "--second-size" -> o.secondSizeEvents = Long.parseLong(value);
                case "--window-seconds" -> o.windowSize = Duration.ofSeconds(Long.parseLong(value));
                case "--paced-rate" -> o.pacedRate = Long.parseLong(value);
                case "--paced-seconds" -> o.pacedDuration = Duration.ofSeconds(Long.parseLong(value));
                case "--paced-window-seconds" -> o.pacedWindowSize = Duration.ofSeconds(Long.parseLong(value));
                case "--latency-variants" -> o.latencyVariants = new ArrayList<>(List.of(value.split(",")));
                case "--latency-checkpoint-intervals" -> o.latencyCheckpointIntervals = new ArrayList<>(
                        Stream.of(value.split(",")).map(ms -> Duration.ofMillis(Long.parseLong(ms.trim()))).toList());
                case "--max-rates" -> o.maxRates = value.equals("none") ? new ArrayList<>()
                        : new ArrayList<>(Stream.of(value.split(",")).map(r -> Long.parseLong(r.trim())).toList());
                case "--max-rate-variants" -> o.maxRateVariants = new ArrayList<>(List.of(value.split(",")));
                case "--heap-events" -> o.heapEvents = Long.parseLong(value);
                case "--heap-repeats" -> {
                    o.heapRepeats = Integer.parseInt(value);
                    if (o.heapRepeats < 1) {
                        throw new IllegalArgumentException("--heap-repeats must be at least 1, was " + value);
                    }
                }
                case "--warmup-events" -> o.warmupEvents = Long.parseLong(value);
                case "--throughput-seconds" -> o.throughputSteady = Duration.ofSeconds(Long.parseLong(value));
                case "--throughput-events" -> o.throughputEvents = Long.parseLong(value);
                case "--throughput-warmup-seconds" -> o.throughputWarmup = Duration.ofSeconds(Long.parseLong(value));
                case "--pairs" -> {
                    o.pairs = Integer.parseInt(value);
                    if (o.pairs < 1) {
                        throw new IllegalArgumentException("--pairs must be at least 1, was " + value);
                    }
                }
                case "--timeout-seconds" -> o.variantTimeout = Duration.ofSeconds(Long.parseLong(value));
                case "--results-dir" -> {
                    o.resultsDir = Path.of(value);
                    o.updateReadmes = false;
                }
                default -> throw new IllegalArgumentException("Unknown option " + name
                        + " (known: --events --products --users --partitions --parallelism --checkpoint-interval MS"
                        + " --pipeline-config K=V,... --peer-grace S|auto --peer-task-idle-ms MS --peer-config K=V,..."
                        + " --variants ceiling,bundled,pipeline,sql,streams,streams-updates --pairs N --throughput-seconds S --throughput-events N --throughput-warmup-seconds S --extra-runs --second-size N --skewed"
                        + " --window-seconds S --paced-rate N --paced-seconds S --paced-window-seconds S --latency-variants V,... --latency-checkpoint-intervals MS,..."
                        + " --max-rates N,...|none --max-rate-variants V,... --heap-events N --heap-repeats N"
                        + " --warmup-events N --timeout-seconds S --results-dir DIR)");
            }
        }
        o.command = given.isEmpty() ? "bin/bench" : "bin/bench " + String.join(" ", given);
        return o;
    }

    /** The same options with another checkpoint interval (for the paced latency runs). */
    BenchOptions withCheckpointInterval(Duration interval) {
        BenchOptions copy = copy();
        copy.checkpointInterval = interval;
        return copy;
    }

    /** The options of a paced run: its windows are {@link #pacedWindowSize}. */
    BenchOptions forPacedRun() {
        BenchOptions copy = copy();
        copy.windowSize = pacedWindowSize;
        return copy;
    }

    private BenchOptions copy() {
        try {
            return (BenchOptions) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /** Adds {@code key=value[,key=value...]} to {@code into}. */
    private static void putPairs(String option, String value, Map<String, String> into) {
        for (String pair : value.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException(option + " needs key=value[,key=value...]: " + pair);
            }
            into.put(kv[0].trim(), kv[1].trim());
        }
    }
}
