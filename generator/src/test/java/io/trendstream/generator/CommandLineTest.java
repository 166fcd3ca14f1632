package io.trendstream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The generator's command line: what it builds, and that every mistake names its option. */
class CommandLineTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC);
    private static final String[] REQUIRED = {"--bootstrap-servers", "localhost:9092", "--schema-registry-url", "http://localhost:8085"};

    @Test
    void buildsTheGeneratorTheOptionsDescribe() throws Exception {
        CommandLine.Parsed parsed = parse("--rate", "0", "--count", "120000", "--events-per-second-of-event-time", "2000",
                "--start-time", "2026-01-01T00:00:00Z", "--window-size", "1m", "--spike", "p7:0:4.0",
                "--manifest", "out/m.json");

        assertThat(parsed.help()).isFalse();
        assertThat(parsed.manifest()).contains(Path.of("out/m.json"));
        EventGenerator generator = parsed.generator();
        assertThat(generator.slots()).isEqualTo(120_000);
        assertThat(generator.eventRate()).isEqualTo(2_000);
        assertThat(generator.spanMillis()).isEqualTo(60_000);
        assertThat(generator.start()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(generator.lastWindowIndex()).isZero();
    }

    @Test
    void defaultsToOneMinuteAtAThousandEventsASecondEndingNow() throws Exception {
        EventGenerator generator = parse().generator();

        assertThat(generator.eventRate()).isEqualTo(1_000);
        assertThat(generator.slots()).isEqualTo(60_000);
        assertThat(generator.start()).isEqualTo(CLOCK.instant().minus(Duration.ofMinutes(1)));
    }

    @Test
    void acceptsEpochMillisAndEqualsSignsAndIsoDurations() throws Exception {
        EventGenerator generator = parse("--start-time=1767225600000", "--duration=PT2M", "--rate=10").generator();

        assertThat(generator.start()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(generator.slots()).isEqualTo(1_200);
    }

    @Test
    void everyMistakeNamesItsOption() {
        assertUsage("--rate -5: rate must be 0 (unlimited) or positive", "--rate", "-5");
        assertUsage("--rate needs a number, got 'fast'", "--rate", "fast");
        assertUsage("--duration needs a duration", "--duration", "soon");
        assertUsage("--count 0: count must be positive", "--count", "0");
        assertUsage("--late-share 1.5: late share must be between 0 and 1", "--late-share", "1.5");
        assertUsage("--spike p7: A spike is product:windowIndex:factor", "--spike", "p7");
        assertUsage("--spike p99:0:2.0: there are only products p0..p49", "--spike", "p99:0:2");
        assertUsage("--start-time needs an ISO-8601 instant", "--start-time", "yesterday");
        assertUsage("--start-time: start time 2030-01-01T00:00:00Z puts events in the future", "--rate", "0",
                "--start-time", "2030-01-01T00:00:00Z");
        assertUsage("--duration and --count exclude each other", "--duration", "1m", "--count", "5");
        assertUsage("Unknown option --speed", "--speed", "3");
        assertUsage("--products needs a value", "--products");
        assertUsage("--window-size", "--window-size", "0s");
    }

    @Test
    void requiresKafkaAndTheRegistry() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--schema-registry-url", "http://r:8085"}, Map.of(), CLOCK,
                Progress.Listener.NONE)).hasMessageStartingWith("--bootstrap-servers is required");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--bootstrap-servers", "k:9092"}, Map.of(), CLOCK,
                Progress.Listener.NONE)).hasMessageStartingWith("--schema-registry-url is required");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--bootstrap-servers", "k:9092",
                "--schema-registry-url", "ftp://r"}, Map.of(), CLOCK, Progress.Listener.NONE))
                .hasMessageStartingWith("--schema-registry-url ftp://r: The schema registry URL must be http or https");
    }

    @Test
    void registryCredentialsComeFromTheEnvironmentAndAreNeverPrinted() throws Exception {
        String[] args = {REQUIRED[0], REQUIRED[1], REQUIRED[2], REQUIRED[3], "--rate", "0", "--count", "100"};
        CommandLine.Parsed parsed = CommandLine.parse(args,
                Map.of(CommandLine.REGISTRY_USER_INFO_ENV, "gen:s3cret-pw"), CLOCK, Progress.Listener.NONE);
        Manifest manifest = parsed.generator().generate(new InMemorySink(), new SchemaIds(1, 2));

        assertThat(manifest.toJson().toString()).doesNotContain("s3cret-pw");
        assertThatThrownBy(() -> CommandLine.parse(REQUIRED, Map.of(CommandLine.REGISTRY_USER_INFO_ENV, "no-colon-s3cret"),
                CLOCK, Progress.Listener.NONE)).hasMessageNotContaining("s3cret");
    }

    @Test
    void helpPrintsUsageAndAWrongOptionExitsWithTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(GeneratorMain.run(new String[] {"--help"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--events-per-second-of-event-time").contains("--spike");
        assertThat(GeneratorMain.run(new String[] {"--bogus", "1"}, print(out), print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option --bogus");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static CommandLine.Parsed parse(String... options) throws UsageException {
        String[] args = new String[REQUIRED.length + options.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(options, 0, args, REQUIRED.length, options.length);
        return CommandLine.parse(args, Map.of(), CLOCK, Progress.Listener.NONE);
    }

    private static void assertUsage(String messageStart, String... options) {
        assertThatThrownBy(() -> parse(options))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith(messageStart);
    }
}
