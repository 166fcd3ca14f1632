package io.trendstream.bench;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CPU time of a variant's threads at one moment, by thread id with each thread's name: two of them say how much
 * CPU the variant used in between ({@link #since}) and where ({@link #byGroupSince}), the per-stage breakdown that
 * earlier sessions sampled by hand to find where the pipeline's time goes (bench/README.md, *Limits*).
 */
record ThreadCpu(Map<Long, Long> nanos, Map<Long, String> names) {

    static final ThreadCpu NONE = new ThreadCpu(Map.of(), Map.of());

    /** Flink's subtask suffix ({@code " (1/2)#0"}): the subtasks of one task are one group. */
    private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?$");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final String FETCHER = "Source Data Fetcher for ";
    /** A task's name is its whole chain: long enough to tell the tasks apart. */
    private static final int MAX_NAME = 120;

    ThreadCpu {
        nanos = Map.copyOf(nanos);
        names = Map.copyOf(names);
    }

    /** CPU nanoseconds the threads used since {@code first} (threads that ended in between are missed). */
    long since(ThreadCpu first) {
        long sum = 0;
        for (long thread : nanos.keySet()) {
            sum += usedSince(first, thread);
        }
        return sum;
    }

    /** {@link #since}, by {@link #group} of the threads' names, largest first. */
    Map<String, Long> byGroupSince(ThreadCpu first) {
        Map<String, Long> groups = new HashMap<>();
        for (long thread : nanos.keySet()) {
            groups.merge(group(names.getOrDefault(thread, "?")), usedSince(first, thread), Long::sum);
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** CPU nanoseconds {@code thread} used since {@code first} (all of it if it started since). */
    private long usedSince(ThreadCpu first, long thread) {
        return nanos.get(thread) - first.nanos.getOrDefault(thread, 0L);
    }

    /**
     * The group a thread's CPU is reported under: a Flink task's subtasks together (named by their chain, as the web
     * dashboard shows it), a source's split fetchers together, a Kafka client's network threads together whatever
     * its client id, and any other thread by its name with the numbers left out (a pool's threads together).
     */
    static String group(String threadName) {
        String name = SUBTASK.matcher(threadName).replaceFirst("");
        boolean fetcher = name.startsWith(FETCHER);
        if (fetcher) {
            name = name.substring(FETCHER.length());
        } else if (name.contains(" -> ") || name.startsWith("Source: ")) {
            // a task: its chain of operator names, numbers included (window sizes, topic names)
        } else {
            int client = name.indexOf(" | ");
            name = NUMBER.matcher(client < 0 ? name : name.substring(0, client)).replaceAll("N");
        }
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME - 1) + "…";
        }
        return fetcher ? "split fetchers of " + name : name;
    }
}
