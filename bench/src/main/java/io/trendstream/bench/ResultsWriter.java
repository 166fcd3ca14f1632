package io.trendstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/** bench/results/latest.json (every field) and latest.md (the table, the machine, the targets). */
final class ResultsWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsWriter() {}

    record Target(String name, String goal, String measured, String verdict) {}

    static String machine(double loadBefore, double loadAfter) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "%d cores, %.1f GiB RAM, %s %s (%s), %s %s; load average %.1f before, %.1f after",
                Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                "max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB",
                System.getProperty("os.name"), System.getProperty("os.version"), loadBefore, loadAfter);
    }

    static String write(Path dir, String command, String machine, double loadBefore, double loadAfter, ObjectNode settings,
                        List<VariantResult> results, List<Target> targets) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "trendstream-bench/1");
        root.put("date", Instant.now().toString());
        root.put("command", command);
        root.put("machine", machine);
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        root.put("loadAverageBefore", loadBefore);
        root.put("loadAverageAfter", loadAfter);
        root.set("settings", settings);
        ArrayNode variants = root.putArray("variants");
        results.forEach(r -> variants.add(JSON.valueToTree(r)));
        ArrayNode goals = root.putArray("targets");
        targets.forEach(t -> goals.add(JSON.valueToTree(t)));
        atomically(dir.resolve("latest.json"), JSON.writeValueAsString(root));
        String md = markdown(command, machine, settings, results, targets);
        atomically(dir.resolve("latest.md"), md);
        String summary = summary(machine, command, results, targets);
        atomically(dir.resolve("summary.md"), summary);
        return md;
    }

    static String markdown(String command, String machine, ObjectNode settings, List<VariantResult> results, List<Target> targets) {
        StringBuilder md = new StringBuilder();
        md.append("# TrendStream benchmark: latest run\n\n");
        md.append("* date: ").append(Instant.now()).append('\n');
        md.append("* command: `").append(command).append("`\n");
        md.append("* machine: ").append(machine).append('\n');
        md.append("* settings: `").append(settings.toString()).append("`\n\n");
        md.append(summary(machine, command, results, targets));
        md.append("\n## Every run\n\n");
        md.append("| variant | p | input | records | result | events/s | steady s | CPU s / M events (JVM / variant) | peak heap / after GC MiB"
                + " | peak RSS MiB | checkpoints every ms: n, avg/p99/max ms | latency from | p50 / p99 / max ms (windows) |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (VariantResult r : results) {
            md.append("| ").append(r.name()).append(" | ").append(r.parallelism())
                    .append(" | ").append(r.input()).append(r.skewed() ? ", skewed" : "")
                    .append(" | ").append(r.inputRecords())
                    .append(" | ").append(r.correct() ? "correct" : "**FAILED**: " + (r.status().equals("ok") ? "wrong results" : r.status()))
                    .append(" | ").append(r.correct() ? fmt(r.eventsPerSecond(), "%,.0f") : "(not counted)")
                    .append(r.sustained() == null ? "" : r.sustained() ? " (kept up)" : " (fell behind: drained " + fmt(r.drainSeconds(), "%.1f") + " s after the input's end)")
                    .append(" | ").append(fmt(r.steadySeconds(), "%.1f")).append(r.longEnough() ? "" : " (short)")
                    .append(" | ").append(fmt(r.cpuSecondsPerMillionEvents(), "%.1f")).append(" / ")
                    .append(fmt(r.variantCpuSecondsPerMillionEvents(), "%.1f"))
                    .append(" | ").append(r.peakHeapMb()).append(" / ").append(r.peakHeapAfterGcMb())
                    .append(" | ").append(r.peakRssMb())
                    .append(" | ").append(r.checkpointIntervalMillis()).append(": ").append(r.checkpointsCompleted() == null ? "–"
                            : r.checkpointsCompleted() + ", " + r.checkpointAvgMillis() + "/" + r.checkpointP99Millis() + "/" + r.checkpointMaxMillis())
                    .append(" | ").append(r.latencyFrom() == null ? "–" : r.latencyFrom())
                    .append(" | ").append(r.latencyP50Millis() == null ? "–"
                            : r.latencyP50Millis() + " / " + r.latencyP99Millis() + " / " + r.latencyMaxMillis() + " (" + r.latencyWindows() + ")")
                    .append(" |\n");
        }
        md.append("\n(short): less than 60 s of steady state or fewer than 6 completed checkpoints (issue 12's bar for a"
                + " measured run; the Kafka Streams peer commits every checkpoint interval and reports no checkpoints).\n");
        md.append(cpuByThreads(results));
        md.append("\nVerification (database rows vs. the generator's manifest):\n\n");
        for (VariantResult r : results) {
            md.append("* ").append(r.name()).append(" (p").append(r.parallelism()).append(", ").append(r.input())
                    .append(", ").append(r.inputRecords()).append(" records): ").append(r.verification());
            if (!r.mismatches().isEmpty()) {
                md.append("; first differences: ").append(String.join("; ", r.mismatches()));
            }
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * Where each measured run's CPU went: its variant threads' CPU seconds per million events of its steady state, by
     * thread group, largest first (the numbers that bench/README.md's *Limits* reads).
     */
    static String cpuByThreads(List<VariantResult> results) {
        StringBuilder md = new StringBuilder();
        for (VariantResult r : results) {
            if (r.variantCpuByThreads() == null || r.variantCpuByThreads().isEmpty()) {
                continue;
            }
            if (md.length() == 0) {
                md.append("\nWhere the CPU went (variant threads, CPU s per million events of the steady state, by thread"
                        + " group; a task's subtasks together):\n\n");
            }
            md.append("* ").append(r.name()).append(" (p").append(r.parallelism()).append(", ").append(r.input())
                    .append(r.skewed() ? ", skewed" : "").append("): ")
                    .append(fmt(r.variantCpuSecondsPerMillionEvents(), "%.2f")).append(" = ");
            md.append(r.variantCpuByThreads().entrySet().stream()
                    .map(e -> "`" + e.getKey() + "` " + fmt(e.getValue(), "%.2f"))
                    .collect(java.util.stream.Collectors.joining(" + "))).append('\n');
        }
        return md.toString();
    }

    /**
     * The part the READMEs carry: the machine, the targets with the ratios and their spread over pairs, each
     * variant's median events/s on the backlog with its range, the paced runs' latency, and the highest paced rate
     * each variant kept up with.
     */
    static String summary(String machine, String command, List<VariantResult> results, List<Target> targets) {
        StringBuilder md = new StringBuilder();
        md.append("`").append(command).append("` on ").append(machine).append(", ").append(Instant.now()).append(".\n\n");
        md.append("| target | goal | measured | verdict |\n| --- | --- | --- | --- |\n");
        for (Target t : targets) {
            md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
                    .append(" | ").append(t.verdict()).append(" |\n");
        }
        // Each variant's throughput runs, by the rule its targets are judged by.
        boolean timeBoxed = results.stream().anyMatch(r -> r.input().equals(Measurement.TIME_BOXED));
        md.append("\n| variant (").append(timeBoxed ? Measurement.TIME_BOXED : "backlog, main input")
                .append(") | runs | median events/s | range | median CPU s / M events (variant threads) |\n");
        md.append("| --- | --- | --- | --- | --- |\n");
        Map<String, List<VariantResult>> backlog = new LinkedHashMap<>();
        Predicate<VariantResult> onMainInput = Targets.onMainInput(results);
        for (VariantResult r : results) {
            if (timeBoxed ? r.input().equals(Measurement.TIME_BOXED) : onMainInput.test(r)) {
                backlog.computeIfAbsent(r.name() + " p" + r.parallelism(),
                        k -> Targets.throughputRuns(results, r.name(), r.parallelism()));
            }
        }
        backlog.forEach((name, runs) -> {
            List<Double> rates = runs.stream().filter(VariantResult::correct).map(VariantResult::eventsPerSecond)
                    .filter(Objects::nonNull).sorted().toList();
            List<Double> cpu = runs.stream().filter(VariantResult::correct).map(VariantResult::variantCpuSecondsPerMillionEvents)
                    .filter(Objects::nonNull).sorted().toList();
            md.append("| ").append(name).append(" | ").append(runs.size())
                    .append(runs.isEmpty() ? " (its complete run was not correct)"
                            : rates.size() < runs.size() ? " (" + (runs.size() - rates.size()) + " failed or unmeasured)" : "")
                    .append(" | ").append(rates.isEmpty() ? "–" : fmt(median(rates), "%,.0f"))
                    .append(" | ").append(rates.isEmpty() ? "–" : fmt(rates.get(0), "%,.0f") + "–" + fmt(rates.get(rates.size() - 1), "%,.0f"))
                    .append(" | ").append(cpu.isEmpty() ? "–" : fmt(median(cpu), "%.1f")).append(" |\n");
        });
        List<VariantResult> paced = results.stream().filter(r -> r.input().startsWith("paced")).toList();
        if (!paced.isEmpty()) {
            md.append("\n| paced run | input | checkpoints every | result | kept up | latency from the window's end (wall clock) p50 / p99 / max ms"
                    + " | checkpoints n, avg ms | peak heap after GC MiB |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (VariantResult r : paced) {
                md.append("| ").append(r.name()).append(" | ").append(r.input()).append(r.skewed() ? ", skewed" : "")
                        .append(" | ").append(r.checkpointIntervalMillis()).append(" ms")
                        .append(" | ").append(r.correct() ? "correct" : "**FAILED**")
                        .append(" | ").append(r.sustained() == null ? "–" : r.sustained() ? "yes" : "no (drained " + fmt(r.drainSeconds(), "%.1f") + " s late)")
                        .append(r.inputKeptPace() ? "" : "; input " + fmt(r.inputLagSeconds(), "%.1f") + " s behind its pace (the generator's limit)")
                        .append(" | ").append(r.latencyP50Millis() == null ? "–"
                                : r.latencyP50Millis() + " / " + r.latencyP99Millis() + " / " + r.latencyMaxMillis())
                        .append(" | ").append(r.checkpointsCompleted() == null ? "–" : r.checkpointsCompleted() + ", " + r.checkpointAvgMillis())
                        .append(" | ").append(r.peakHeapAfterGcMb()).append(" |\n");
            }
            md.append("\nOut-of-orderness ").append(paced.get(0).outOfOrdernessMillis()).append(" ms. Highest paced rate kept up with: ");
            Map<String, Long> best = new LinkedHashMap<>();
            for (VariantResult r : paced) {
                if (r.correct() && Boolean.TRUE.equals(r.sustained()) && r.inputKeptPace()) {
                    long rate = Long.parseLong(r.input().replaceAll("[^0-9]", ""));
                    best.merge(r.name(), rate, Math::max);
                }
            }
            md.append(best.isEmpty() ? "none." : best.entrySet().stream()
                    .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d/s", e.getValue()))
                    .collect(java.util.stream.Collectors.joining(", ")) + ".").append('\n');
        }
        return md.toString();
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static final String BEGIN = "<!-- bench-results:begin (bin/bench writes this part) -->";
    static final String END = "<!-- bench-results:end -->";

    /** Replaces what lies between {@link #BEGIN} and {@link #END} in {@code readme}; false if it has no such markers. */
    static boolean updateReadme(Path readme, String generated) throws IOException {
        if (!Files.exists(readme)) {
            return false;
        }
        String text = Files.readString(readme);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            return false;
        }
        atomically(readme, text.substring(0, begin + BEGIN.length()) + "\n" + generated + text.substring(end));
        return true;
    }

    static String fmt(Double value, String format) {
        return value == null ? "–" : String.format(Locale.ROOT, format, value);
    }

    private static void atomically(Path file, String text) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
