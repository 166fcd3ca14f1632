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
import java.util.List;
import java.util.Locale;

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
        return md;
    }

    static String markdown(String command, String machine, ObjectNode settings, List<VariantResult> results, List<Target> targets) {
        StringBuilder md = new StringBuilder();
        md.append("# TrendStream benchmark: latest run\n\n");
        md.append("* date: ").append(Instant.now()).append('\n');
        md.append("* command: `").append(command).append("`\n");
        md.append("* machine: ").append(machine).append('\n');
        md.append("* settings: `").append(settings.toString()).append("`\n\n");
        md.append("| variant | p | input records | result | events/s | steady s | CPU s / M events | peak heap MiB | peak RSS MiB"
                + " | checkpoints (n, avg/p99/max ms) | latency p50 / p99 / max ms (windows) |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (VariantResult r : results) {
            md.append("| ").append(r.name()).append(" | ").append(r.parallelism())
                    .append(" | ").append(r.inputRecords())
                    .append(" | ").append(r.correct() ? "correct" : "**FAILED**: " + (r.status().equals("ok") ? "wrong results" : r.status()))
                    .append(" | ").append(r.correct() ? fmt(r.eventsPerSecond(), "%,.0f") : "(not counted)")
                    .append(" | ").append(fmt(r.steadySeconds(), "%.1f"))
                    .append(" | ").append(fmt(r.cpuSecondsPerMillionEvents(), "%.1f"))
                    .append(" | ").append(r.peakHeapMb())
                    .append(" | ").append(r.peakRssMb())
                    .append(" | ").append(r.checkpointsCompleted() == null ? "–"
                            : r.checkpointsCompleted() + ", " + r.checkpointAvgMillis() + "/" + r.checkpointP99Millis() + "/" + r.checkpointMaxMillis())
                    .append(" | ").append(r.latencyP50Millis() == null ? "–"
                            : r.latencyP50Millis() + " / " + r.latencyP99Millis() + " / " + r.latencyMaxMillis() + " (" + r.latencyWindows() + ")")
                    .append(" |\n");
        }
        md.append("\nVerification (database rows vs. the generator's manifest):\n\n");
        for (VariantResult r : results) {
            md.append("* ").append(r.name()).append(" (p").append(r.parallelism()).append(", ").append(r.inputRecords())
                    .append(" records): ").append(r.verification());
            if (!r.mismatches().isEmpty()) {
                md.append("; first differences: ").append(String.join("; ", r.mismatches()));
            }
            md.append('\n');
        }
        md.append("\n| target | goal | measured | verdict |\n| --- | --- | --- | --- |\n");
        for (Target t : targets) {
            md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
                    .append(" | ").append(t.verdict()).append(" |\n");
        }
        return md.toString();
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
