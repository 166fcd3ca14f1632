package io.trendstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner at a tiny size, each variant once: checks that the database results were judged against the
 * manifest and that the result files carry every field. Times nothing: the numbers of a CI machine mean nothing.
 */
class BenchSmokeITCase {
    private static final List<String> FIELDS = List.of("name", "description", "parallelism", "inputEvents", "inputRecords",
            "status", "correct", "verification", "mismatches", "eventsPerSecond", "steadySeconds",
            "cpuSecondsPerMillionEvents", "peakHeapMb", "peakRssMb", "checkpointsCompleted", "checkpointAvgMillis",
            "checkpointP99Millis", "checkpointMaxMillis", "latencyP50Millis", "latencyP99Millis", "latencyMaxMillis",
            "latencyWindows", "wallSeconds");

    @TempDir
    Path results;

    @Test
    void everyVariantRunsAndIsJudgedAgainstTheManifest() throws Exception {
        // 20k events at 100 per second of event time: 200 s, so a few 1-minute windows close.
        BenchmarkMain.run("--events", "20000", "--event-rate", "100", "--products", "10", "--users", "100",
                "--checkpoint-interval", "1000", "--warmup-events", "5000", "--pairs", "2", "--timeout-seconds", "90",
                "--results-dir", results.toString());

        JsonNode root = new ObjectMapper().readTree(results.resolve("latest.json").toFile());
        assertThat(root.path("command").asText()).startsWith("bin/bench");
        assertThat(root.path("machine").asText()).contains("cores");
        assertThat(root.path("targets")).hasSize(4);
        Map<String, JsonNode> byName = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (JsonNode variant : root.path("variants")) {
            for (String field : FIELDS) {
                assertThat(variant.has(field)).as(variant.path("name") + " has " + field).isTrue();
            }
            names.add(variant.path("name").asText());
            byName.put(variant.path("name").asText(), variant);
            // Correct database results: every closed window's row equals the manifest (the like-for-like peer: below).
            if (!variant.path("name").asText().equals("kafka-streams")) {
                assertThat(variant.path("correct").asBoolean()).as(variant.path("name") + ": " + variant).isTrue();
            }
        }
        // --pairs 2: the ceiling and the pipeline once more, in turn, after the main runs
        assertThat(names).containsExactly("ceiling", "pipeline", "kafka-streams", "kafka-streams-updates", "ceiling", "pipeline");
        // (At this size the ceiling reads everything between two polls, so it has no rate and the ceiling target
        // is not measured; how pairs are judged is TargetsTest's.)
        // The like-for-like peer (emit on close, grace sized to the replay's disorder) is judged too. At this size
        // the replay compresses event time several hundred times, so a fraction of a second of uneven progress
        // between its tasks is more disorder than its grace allows for (see bench/README.md): only the judgement is
        // asserted, not its outcome.
        assertThat(byName.get("kafka-streams").path("verification").asText()).contains("closed-window rows equal the manifest");
        assertThat(Files.readString(results.resolve("latest.md"))).contains("| pipeline |", "| target |");
    }
}
