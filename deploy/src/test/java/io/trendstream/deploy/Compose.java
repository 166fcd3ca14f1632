package io.trendstream.deploy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed docker-compose file and the rules the deployment holds it to. */
final class Compose {
    static final String FILE = "docker-compose.yml";

    static final String HEALTHY = "service_healthy";
    static final String COMPLETED = "service_completed_successfully";
    static final String STARTED = "service_started";

    /**
     * {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?error}} and the forms without the colon;
     * {@code $$} is Compose's escape for a literal dollar and is not a variable.
     */
    private static final Pattern VARIABLE =
            Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}");

    final String text;
    final Map<String, Object> root;

    private Compose(String text) {
        this.text = text;
        this.root = RepoFiles.map(RepoFiles.parseYaml(text));
    }

    static Compose load() {
        return new Compose(RepoFiles.read(FILE));
    }

    static Compose parse(String text) {
        return new Compose(text);
    }

    Map<String, Object> services() {
        return RepoFiles.map(root.get("services"));
    }

    Map<String, Object> service(String name) {
        Object service = services().get(name);
        if (service == null) {
            throw new AssertionError("no service " + name + " in " + FILE);
        }
        return RepoFiles.map(service);
    }

    /** One-shot: runs to completion and is never restarted (restart: "no"). */
    boolean isOneShot(String name) {
        return "no".equals(service(name).get("restart"));
    }

    boolean hasHealthcheck(String name) {
        Map<String, Object> hc = RepoFiles.map(service(name).get("healthcheck"));
        return !hc.isEmpty() && !Boolean.TRUE.equals(hc.get("disable")) && hc.get("test") != null;
    }

    /** depends_on of a service as target -> condition (the short list form means service_started). */
    Map<String, String> dependsOn(String name) {
        Object deps = service(name).get("depends_on");
        Map<String, String> result = new LinkedHashMap<>();
        if (deps instanceof List<?> l) {
            l.forEach(d -> result.put(String.valueOf(d), STARTED));
        } else if (deps instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k),
                    String.valueOf(RepoFiles.map(v).getOrDefault("condition", STARTED))));
        }
        return result;
    }

    Map<String, Map<String, String>> dependencyGraph() {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        services().keySet().forEach(s -> graph.put(s, dependsOn(s)));
        return graph;
    }

    /** Every service that {@code name} waits for, directly or through others. */
    Set<String> transitiveDependencies(String name) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(dependsOn(name).keySet());
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(dependsOn(next).keySet());
            }
        }
        return seen;
    }

    /** Names of all interpolated variables in the raw file text. */
    Set<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Whether the value is exactly one variable reference that has no default (so no literal fallback). */
    static boolean isBareRequiredVariable(String value) {
        if (value == null) {
            return false;
        }
        Matcher m = VARIABLE.matcher(value.trim());
        return m.matches() && (m.group(2) == null || m.group(2).endsWith("?"));
    }

    /**
     * A start order in which every service comes after everything it depends on (Kahn's algorithm).
     *
     * @throws IllegalArgumentException on a dependency on an unknown service or on a cycle
     */
    static List<String> startOrder(Map<String, Map<String, String>> graph) {
        Map<String, Integer> pending = new TreeMap<>();
        for (var entry : graph.entrySet()) {
            for (String target : entry.getValue().keySet()) {
                if (!graph.containsKey(target)) {
                    throw new IllegalArgumentException(entry.getKey() + " depends on unknown service " + target);
                }
            }
            pending.put(entry.getKey(), entry.getValue().size());
        }
        List<String> order = new ArrayList<>();
        Deque<String> ready = new ArrayDeque<>();
        pending.forEach((s, n) -> {
            if (n == 0) {
                ready.add(s);
            }
        });
        while (!ready.isEmpty()) {
            String s = ready.poll();
            order.add(s);
            for (var entry : graph.entrySet()) {
                if (entry.getValue().containsKey(s) && pending.merge(entry.getKey(), -1, Integer::sum) == 0) {
                    ready.add(entry.getKey());
                }
            }
        }
        if (order.size() != graph.size()) {
            Set<String> cyclic = new LinkedHashSet<>(graph.keySet());
            order.forEach(cyclic::remove);
            throw new IllegalArgumentException("dependency cycle among " + cyclic);
        }
        return order;
    }
}
