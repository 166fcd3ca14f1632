package io.trendstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner at a tiny size: every variant on the backlog, twice in turn; the pipeline and the Flink SQL peer on
 * paced input; the heap check on skewed and on even input. Checks that every variant's database rows were judged
 * against the manifest, and that the result files carry every field. Times nothing: the numbers of a CI machine mean nothing.
 */
class BenchSmokeITCase {
    private static final List<String> FIELDS = Arrays.stream(VariantResult.class.getRecordComponents())
            .map(c -> c.getName()).toList();

    @TempDir
    Path results;

    @Test
    void everyVariantRunsAndIsJudgedAgainstTheManifest() throws Exception {
        // 20k events at 100 per second of event time: 200 s, so 10 s windows close; paced: 30 s at 300 events/s.
        BenchmarkMain.run("--variants", "ceiling,bundled,pipeline,sql,streams", "--events", "20000", "--event-rate", "100", "--products", "10", "--users", "100",
                "--window-seconds", "10", "--checkpoint-interval", "1000", "--warmup-events", "0", "--pairs", "2",
                "--throughput-events", "40000", "--throughput-seconds", "3", "--throughput-warmup-seconds", "1",
                "--paced-rate", "300", "--paced-seconds", "30", "--paced-window-seconds", "5", "--latency-variants", "pipeline,sql",
                "--latency-checkpoint-intervals", "1000", "--heap-events", "5000", "--heap-repeats", "2", "--max-rates", "none",
                "--timeout-seconds", "300", "--results-dir", results.toString());

        JsonNode root = new ObjectMapper().readTree(results.resolve("latest.json").toFile());
        assertThat(root.path("command").asText()).startsWith("bin/bench");
        assertThat(root.path("machine").asText()).contains("cores");
        assertThat(root.path("targets")).hasSize(6);
        assertThat(root.path("settings").path("pacedWindowSize").asText()).isEqualTo("PT5S");
        assertThat(root.path("settings").path("throughputWarmup").asText()).isEqualTo("PT1S");
        List<String> runs = new ArrayList<>();
        for (JsonNode variant : root.path("variants")) {
            String name = variant.path("name").asText();
            for (String field : FIELDS) {
                assertThat(variant.has(field)).as(name + " has " + field).isTrue();
            }
            String input = variant.path("input").asText();
            runs.add(name + " " + (input.startsWith("paced") ? "paced" : input));
            // Correct database results: every closed window's row equals the manifest, the Kafka Streams peer's too.
            if (input.equals(Measurement.TIME_BOXED)) {
                // Throughput runs end after their steady state (or when this small backlog runs out), unverified.
                assertThat(variant.path("correct").asBoolean()).as(name + ": " + variant).isTrue();
                assertThat(variant.path("verification").asText()).startsWith("time-boxed: ");
            } else {
                assertThat(variant.path("correct").asBoolean()).as(name + ": " + variant).isTrue();
            }
            if (variant.path("input").asText().startsWith("paced")) {
                // Latency from the window's end on the wall clock, and whether the variant kept up, are reported.
                assertThat(variant.path("latencyFrom").asText()).isEqualTo("window end (wall clock)");
                assertThat(variant.path("latencyP99Millis").isNumber()).as(name).isTrue();
                assertThat(variant.path("sustained").isBoolean()).as(name).isTrue();
                // Paced runs have windows of their own (--paced-window-seconds 5): in 30 s of input at least three
                // close, each with a row (a latency sample) for each of the 10 products.
                assertThat(variant.path("latencyWindows").asLong()).as(name + " latency samples").isGreaterThanOrEqualTo(30);
            }
        }
        // Every variant to completion on the main backlog; then --pairs 2: every compared variant time-boxed, in
        // turn, twice; then the heap check and paced runs.
        String timeBoxed = " " + Measurement.TIME_BOXED;
        assertThat(runs).containsExactly(
                "ceiling backlog", "bundled backlog", "pipeline backlog", "flink-sql backlog", "kafka-streams backlog",
                "ceiling" + timeBoxed, "bundled" + timeBoxed, "pipeline" + timeBoxed, "flink-sql" + timeBoxed, "kafka-streams" + timeBoxed,
                "ceiling" + timeBoxed, "bundled" + timeBoxed, "pipeline" + timeBoxed, "flink-sql" + timeBoxed, "kafka-streams" + timeBoxed,
                BenchmarkMain.HEAP_RUN + " backlog", BenchmarkMain.HEAP_RUN + " backlog", BenchmarkMain.HEAP_RUN + " backlog",
                BenchmarkMain.EVEN_HEAP_RUN + " backlog", BenchmarkMain.EVEN_HEAP_RUN + " backlog", BenchmarkMain.EVEN_HEAP_RUN + " backlog",
                "pipeline paced", "flink-sql paced");
        assertThat(root.path("variants").get(15).path("skewed").asBoolean()).isTrue();
        assertThat(root.path("variants").get(18).path("skewed").asBoolean()).isFalse();
        // The heap check's 1x side: its repeated runs, and then the 10x run, each judged against the manifest.
        for (int skewedOrEven : List.of(15, 18)) {
            long once = root.path("variants").get(skewedOrEven).path("inputEvents").asLong();
            assertThat(root.path("variants").get(skewedOrEven + 1).path("inputEvents").asLong()).isEqualTo(once);
            assertThat(root.path("variants").get(skewedOrEven + 2).path("inputEvents").asLong()).isGreaterThan(once);
        }
        for (JsonNode target : root.path("targets")) {
            if (target.path("name").asText().startsWith("pipeline peak heap")) {
                assertThat(target.path("measured").asText()).as(target.toString()).matches("\\d+ -> \\d+ MiB .*; 1x runs: \\d+, \\d+\\)");
            }
        }
        // The like-for-like Kafka Streams peer: its grace covers the replay (at this size event time passes several
        // hundred times faster than wall time, so its tasks drift apart by much of the span), so it drops nothing
        // and is judged, after the end of input has closed them, on the same windows as the pipeline.
        JsonNode peer = root.path("variants").get(4);
        assertThat(peer.path("name").asText()).isEqualTo("kafka-streams");
        String pipelineRows = root.path("variants").get(2).path("verification").asText().replaceAll(" closed-window rows.*", "");
        assertThat(pipelineRows).matches("\\d+/\\d+");
        assertThat(peer.path("verification").asText()).startsWith(pipelineRows + " closed-window rows equal the manifest")
                .contains(", 0 records later than grace (dropped)").doesNotContain("emitted on close after a grace");
        assertThat(Files.readString(results.resolve("latest.md"))).contains("| pipeline |", "| target |");
        assertThat(Files.readString(results.resolve("summary.md"))).contains("| target |", "| paced run |");
    }
}
