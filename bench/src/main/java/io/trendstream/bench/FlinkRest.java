package io.trendstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the benchmark reads from the MiniCluster's REST API: records out of the sources, the window operator's input
 * watermark, and checkpoint statistics. Metrics there are refreshed every {@code metrics.fetcher.update-interval}.
 */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String jobId;
    private List<String> sourceMetricQueries;

    FlinkRest(int port, String jobId) {
        this.base = "http://localhost:" + port;
        this.jobId = jobId;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private List<JsonNode> vertices() throws IOException, InterruptedException {
        List<JsonNode> list = new ArrayList<>();
        get("/jobs/" + jobId).path("vertices").forEach(list::add);
        return list;
    }

    /**
     * Records emitted by the source operators, summed over their subtasks: every Kafka record read, valid or not
     * (the deserializer turns each into exactly one record). Empty until the metrics are available.
     */
    OptionalLong sourceRecordsOut() throws IOException, InterruptedException {
        if (sourceMetricQueries == null) {
            // Every source vertex must show its metric, or a count would silently miss a topic.
            List<String> queries = new ArrayList<>();
            int sources = 0;
            for (JsonNode vertex : vertices()) {
                if (!vertex.path("name").asText().startsWith("Source")) {
                    continue;
                }
                sources++;
                String path = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
                for (JsonNode metric : get(path)) {
                    String id = metric.path("id").asText();
                    if (id.startsWith("Source") && id.endsWith(".numRecordsOut")) {
                        queries.add(path + "?get=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
                    }
                }
            }
            if (sources == 0 || queries.size() < sources) {
                return OptionalLong.empty();
            }
            sourceMetricQueries = queries;
        }
        long sum = 0;
        for (String query : sourceMetricQueries) {
            JsonNode values = get(query);
            if (values.isEmpty()) {
                return OptionalLong.empty();
            }
            sum += values.get(0).path("sum").asLong();
        }
        return OptionalLong.of(sum);
    }

    /** The smallest input watermark over the subtasks of the first vertex whose name contains {@code nameFragment}. */
    OptionalLong inputWatermark(String nameFragment) throws IOException, InterruptedException {
        for (JsonNode vertex : vertices()) {
            if (vertex.path("name").asText().contains(nameFragment)) {
                JsonNode marks = get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/watermarks");
                long min = Long.MAX_VALUE;
                int seen = 0;
                for (JsonNode mark : marks) {
                    if (mark.path("id").asText().endsWith("currentInputWatermark")) {
                        min = Math.min(min, mark.path("value").asLong());
                        seen++;
                    }
                }
                return seen == 0 ? OptionalLong.empty() : OptionalLong.of(min);
            }
        }
        return OptionalLong.empty();
    }

    /** Completed checkpoints and their end-to-end durations (ms), as the checkpoint statistics report them. */
    record CheckpointStats(long completed, long failed, long minMillis, long avgMillis, long p99Millis, long maxMillis) {}

    CheckpointStats checkpoints() throws IOException, InterruptedException {
        JsonNode root = get("/jobs/" + jobId + "/checkpoints");
        JsonNode e2e = root.path("summary").path("end_to_end_duration");
        return new CheckpointStats(root.path("counts").path("completed").asLong(), root.path("counts").path("failed").asLong(),
                e2e.path("min").asLong(), e2e.path("avg").asLong(), e2e.path("p99").asLong(), e2e.path("max").asLong());
    }
}
