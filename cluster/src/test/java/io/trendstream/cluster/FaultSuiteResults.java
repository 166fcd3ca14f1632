package io.trendstream.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the fault suite measured, written after every scenario (so a failed run still reports the scenarios before it)
 * to {@code results.json} for machines and {@code results.md} for people.
 */
final class FaultSuiteResults {

    /** One scenario: what it checked, its recoveries, and whether every check held. */
    record Scenario(String name, boolean passed, String failure, Duration took, long restarts, int windowsChecked,
            int lateEvents, long deadLetters, int alerts, List<Recovery> recoveries) {}

    private final Path dir;
    private final FaultSuiteSize size;
    private final Instant started = Instant.now();
    private final List<Scenario> scenarios = new ArrayList<>();

    FaultSuiteResults(Path dir, FaultSuiteSize size) {
        this.dir = dir;
        this.size = size;
    }

    void add(Scenario scenario) throws IOException {
        scenarios.add(scenario);
        write();
    }

    private void write() throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("size", Map.of("name", size.name(), "loadRate", size.loadRate(), "loadSeconds", size.load().toSeconds(),
                "taskManagerKills", size.taskManagerKills(), "databaseOutageSeconds", size.databaseOutage().toSeconds(),
                "hostileShare", size.hostileShare(), "restartSettings", size.restartSettings()));
        root.put("started", started.toString());
        root.put("processors", Runtime.getRuntime().availableProcessors());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Scenario s : scenarios) {
            Map<String, Object> scenario = new LinkedHashMap<>();
            scenario.put("name", s.name());
            scenario.put("passed", s.passed());
            scenario.put("failure", s.failure());
            scenario.put("tookMillis", s.took().toMillis());
            scenario.put("restarts", s.restarts());
            scenario.put("windowsChecked", s.windowsChecked());
            scenario.put("lateEvents", s.lateEvents());
            scenario.put("deadLetters", s.deadLetters());
            scenario.put("alerts", s.alerts());
            List<Map<String, Object>> recoveries = new ArrayList<>();
            for (Recovery r : s.recoveries()) {
                Map<String, Object> recovery = new LinkedHashMap<>();
                recovery.put("fault", r.fault());
                recovery.put("injected", r.injected().toString());
                recovery.put("repairedAfterMillis", Duration.between(r.injected(), r.cleared()).toMillis());
                recovery.put("runningAfterMillis", r.running().toMillis());
                recovery.put("checkpointAfterMillis", r.checkpoint().toMillis());
                recovery.put("rowsFlowingAfterMillis", r.rowsFlowing().toMillis());
                recovery.put("restarts", r.restarts());
                recoveries.add(recovery);
            }
            scenario.put("recoveries", recoveries);
            list.add(scenario);
        }
        root.put("scenarios", list);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("results.json").toFile(), root);
        Files.writeString(dir.resolve("results.md"), markdown());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Fault suite, size ").append(size.name()).append(", started ").append(started)
                .append(" (").append(Runtime.getRuntime().availableProcessors()).append(" processors)\n\n")
                .append(String.format(Locale.ROOT, "Load %d events/s for %d s per scenario; %d TaskManager kill(s); database"
                                + " down %d s; hostile share %.2f in the flood; restart settings %s.%n%n", size.loadRate(),
                        size.load().toSeconds(), size.taskManagerKills(), size.databaseOutage().toSeconds(),
                        size.hostileShare(), size.restartSettings().isEmpty() ? "as shipped" : size.restartSettings()))
                .append("Every scenario checks: every closed window equal to the generator's manifest, every late event in")
                .append(" `late_events`, every malformed record in the dead-letter topic once with its reason, no duplicate")
                .append(" alert; 0 prepared transactions after each stop; the flood, 0 restarts.\n\n")
                .append("| scenario | result | took | restarts | windows | late events | dead letters | alerts |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Scenario s : scenarios) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %d | %d |%n", s.name(),
                    s.passed() ? "passed" : "**FAILED**: " + firstLine(s.failure()), seconds(s.took()), s.restarts(),
                    s.windowsChecked(), s.lateEvents(), s.deadLetters(), s.alerts()));
        }
        md.append("\nRecovery, from the fault's injection (and from its repair: the component running again):\n\n")
                .append("| scenario | fault | repaired after | all tasks running | first checkpoint after the fault |")
                .append(" rows flowing | rows flowing after the repair | restarts |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Scenario s : scenarios) {
            for (Recovery r : s.recoveries()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %d |%n", s.name(), r.fault(),
                        seconds(Duration.between(r.injected(), r.cleared())), seconds(r.running()), seconds(r.checkpoint()),
                        seconds(r.rowsFlowing()), seconds(r.clearedToRowsFlowing()), r.restarts()));
            }
        }
        return md.toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.strip().lines().findFirst().orElse("");
        return (line.length() > 120 ? line.substring(0, 120) + "…" : line).replace("|", "\\|");
    }
}
