package io.trendstream.generator;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.trendstream.serialization.SchemaRegistrySettings;

/** Turns {@link GeneratorMain}'s arguments into a generator; every error names the option at fault. */
final class CommandLine {

    /** Basic-auth {@code user:password} for the registry, from the environment only (never an argument: ps shows those). */
    static final String REGISTRY_USER_INFO_ENV = "TRENDSTREAM_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar generator/target/generator.jar --bootstrap-servers HOST:PORT --schema-registry-url URL [options]",
            "",
            "Writes seeded OrderEvent/ProductView traffic (Confluent Avro wire format) to Kafka exactly once, with faults,",
            "and a manifest of the window totals the job must produce.",
            "",
            "  --bootstrap-servers HOST:PORT      Kafka (required)",
            "  --schema-registry-url URL          schema registry (required); basic auth: $" + REGISTRY_USER_INFO_ENV,
            "  --orders-topic NAME                default orders",
            "  --views-topic NAME                 default product-views",
            "  --products-topic NAME              the product catalog, written before the events (default products)",
            "  --no-catalog                       write no catalog",
            "  --rename-product ID=NAME           after the catalog, rename a product (repeatable)",
            "  --remove-product ID                after the catalog and renames, a tombstone for a product (repeatable)",
            "  --rate N                           events/s; 0 = as fast as possible (default 1000)",
            "  --duration D | --count N           event time to span (slots = D x rate) or number of event slots (default 60s)",
            "  --products N                       products p0..p(N-1) (default 50)",
            "  --users N                          users u0..u(N-1) (default 1000)",
            "  --seed N                           default 1",
            "  --window-size D                    the job's window, for the manifest (default 5m)",
            "  --events-per-second-of-event-time N   with --rate 0: slots per second of event time (default 1000)",
            "  --start-time ISO|EPOCH_MILLIS      event time of the first event (default: now minus the run's span)",
            "  --late-share X                     share of events sent >= 1 h behind the stream (default 0.01)",
            "  --malformed-share X                share of records the job must dead-letter (default 0.005)",
            "  --duplicate-share X                share of exact re-sends of the previous valid record (default 0.01)",
            "  --hostile-share X                  share of hostile records: NUL and 100 KB ids, extreme event times and",
            "                                     amounts, schema id -1, 1 MB values, random bytes, tombstones (default 0)",
            "  --spike PRODUCT:WINDOW:FACTOR      e.g. p7:3:4.0 (repeatable): FACTOR x p7's traffic in window 3 of the run",
            "  --manifest PATH                    write the manifest (JSON) there at the end",
            "  --late-warmup-events N             no late events in the first N slots (default 10000)",
            "  --commit-every N                   records per Kafka transaction (default 10000)",
            "  --help",
            "",
            "Durations: 500ms, 90s, 5m, 2h, 1d or ISO-8601 (PT5M).");

    /** What the command line asks for. */
    record Parsed(boolean help, EventGenerator generator, Optional<Path> manifest) {
    }

    private CommandLine() {
    }

    static Parsed parse(String[] args, Map<String, String> env, Clock clock, Progress.Listener progress)
            throws UsageException {
        EventGenerator.Builder builder = EventGenerator.builder().clock(clock).progress(progress);
        String bootstrap = null;
        String registryUrl = null;
        Path manifest = null;
        boolean duration = false;
        boolean count = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return new Parsed(true, null, Optional.empty());
            }
            if (arg.equals("--no-catalog")) {
                builder.productsTopic(null);
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("Unexpected argument '" + arg + "': options start with --");
            }
            String option = arg;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                option = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new UsageException(option + " needs a value");
                }
                value = args[++i];
            }
            try {
                switch (option) {
                    case "--bootstrap-servers" -> bootstrap = builderText(option, value);
                    case "--schema-registry-url" -> registryUrl = builderText(option, value);
                    case "--orders-topic" -> builder.ordersTopic(value);
                    case "--views-topic" -> builder.viewsTopic(value);
                    case "--products-topic" -> builder.productsTopic(value);
                    case "--rename-product" -> {
                        int at = value.indexOf('=');
                        if (at <= 0) {
                            throw new UsageException(option + " needs ID=NAME, got '" + value + "'");
                        }
                        builder.renameProduct(value.substring(0, at), value.substring(at + 1));
                    }
                    case "--remove-product" -> builder.removeProduct(value);
                    case "--rate" -> builder.rate(number(option, value, Long::parseLong));
                    case "--duration" -> {
                        builder.duration(duration(option, value));
                        duration = true;
                    }
                    case "--count" -> {
                        builder.count(number(option, value, Long::parseLong));
                        count = true;
                    }
                    case "--products" -> builder.products(number(option, value, Integer::parseInt));
                    case "--users" -> builder.users(number(option, value, Integer::parseInt));
                    case "--seed" -> builder.seed(number(option, value, Long::parseLong));
                    case "--window-size" -> builder.windowSize(duration(option, value));
                    case "--events-per-second-of-event-time" ->
                            builder.eventsPerSecondOfEventTime(number(option, value, Long::parseLong));
                    case "--start-time" -> builder.startTime(instant(option, value));
                    case "--late-share" -> builder.lateShare(number(option, value, Double::parseDouble));
                    case "--malformed-share" -> builder.malformedShare(number(option, value, Double::parseDouble));
                    case "--duplicate-share" -> builder.duplicateShare(number(option, value, Double::parseDouble));
                    case "--hostile-share" -> builder.hostileShare(number(option, value, Double::parseDouble));
                    case "--spike" -> builder.spike(Spike.parse(value));
                    case "--manifest" -> manifest = Path.of(builderText(option, value));
                    case "--late-warmup-events" -> builder.lateWarmupEvents(number(option, value, Long::parseLong));
                    case "--commit-every" -> builder.commitEvery(number(option, value, Long::parseLong));
                    default -> throw new UsageException("Unknown option " + option + " (see --help)");
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(option + " " + value + ": " + e.getMessage());
            }
        }
        if (duration && count) {
            throw new UsageException("--duration and --count exclude each other: give one");
        }
        if (bootstrap == null) {
            throw new UsageException("--bootstrap-servers is required (e.g. localhost:9092)");
        }
        if (registryUrl == null) {
            throw new UsageException("--schema-registry-url is required (e.g. http://localhost:8085)");
        }
        builder.bootstrapServers(bootstrap);
        try {
            builder.registry(SchemaRegistrySettings.builder(registryUrl)
                    .basicAuthUserInfo(env.get(REGISTRY_USER_INFO_ENV))
                    .connectTimeout(Duration.ofSeconds(5))
                    .requestTimeout(Duration.ofSeconds(15))
                    .build());
        } catch (IllegalArgumentException e) {
            // The message never holds the user info: the settings only say which part is wrong.
            throw new UsageException("--schema-registry-url " + registryUrl + ": " + e.getMessage());
        }
        try {
            return new Parsed(false, builder.build(), Optional.ofNullable(manifest));
        } catch (IllegalArgumentException e) {
            throw new UsageException(optionOf(e.getMessage()) + e.getMessage());
        }
    }

    /** Points a cross-option error at the option that caused it. */
    private static String optionOf(String message) {
        if (message.startsWith("spike")) {
            return "--";
        }
        if (message.startsWith("start time")) {
            return "--start-time: ";
        }
        if (message.contains("shares")) {
            return "--late-share/--malformed-share/--duplicate-share/--hostile-share: ";
        }
        if (message.contains("topic")) {
            return "--orders-topic/--views-topic: ";
        }
        return "";
    }

    private static String builderText(String option, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(option + " must not be blank");
        }
        return value;
    }

    private static <T> T number(String option, String value, Function<String, T> parse) throws UsageException {
        try {
            return parse.apply(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, got '" + value + "'");
        }
    }

    /** {@code 500ms}, {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT5M}). */
    static Duration duration(String option, String value) throws UsageException {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new UsageException(option + " needs a duration like 500ms, 90s, 5m, 2h or PT5M, got '" + value + "'");
        }
    }

    /** An ISO-8601 instant ({@code 2026-11-22T10:00:00Z}) or epoch milliseconds. */
    static Instant instant(String option, String value) throws UsageException {
        String v = value.trim();
        try {
            if (v.matches("-?\\d+")) {
                return Instant.ofEpochMilli(Long.parseLong(v));
            }
            return Instant.parse(v);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new UsageException(option + " needs an ISO-8601 instant (2026-11-22T10:00:00Z) or epoch millis, got '"
                    + value + "'");
        }
    }
}
