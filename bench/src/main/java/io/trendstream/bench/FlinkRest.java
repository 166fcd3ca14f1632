package io.trendstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the benchmark reads from the MiniCluster's REST API: a job's source vertices and its checkpoint statistics,
 * neither of them metrics (those it polls are read in process, {@link InProcessMetrics}).
 */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String jobId;

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

    /** How many source vertices the job has ({@link InProcessMetrics#SOURCE_NAME_PREFIX}); empty until its graph is known. */
    OptionalLong sourceVertices() throws IOException, InterruptedException {
        long sources = 0;
        for (JsonNode vertex : vertices()) {
            if (vertex.path("name").asText().startsWith(InProcessMetrics.SOURCE_NAME_PREFIX)) {
                sources++;
            }
        }
        return sources == 0 ? OptionalLong.empty() : OptionalLong.of(sources);
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
