package io.trendstream.gateway.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for the running gateway ({@code bin/gateway-load}): a closed loop of {@code --concurrency} clients posting
 * orders and product views (one view in {@code --views-per-order} + 1 requests is an order) for {@code --duration},
 * first one event per request, then {@code --batch-size} events per request (JSON arrays); reports requests/s,
 * events/s and latency percentiles of 202 answers, and appends them to {@code --results}. Any answer but 202 is
 * counted and reported, never retried.
 */
public final class GatewayLoad {

    private final URI base;
    private final int concurrency;
    private final Duration duration;
    private final int batchSize;
    private final int viewsPerOrder;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private GatewayLoad(Map<String, String> args) {
        this.base = URI.create(args.getOrDefault("url", "http://localhost:8090"));
        this.concurrency = Integer.parseInt(args.getOrDefault("concurrency", "64"));
        this.duration = Duration.ofSeconds(Long.parseLong(args.getOrDefault("duration", "30")));
        this.batchSize = Integer.parseInt(args.getOrDefault("batch-size", "1000"));
        this.viewsPerOrder = Integer.parseInt(args.getOrDefault("views-per-order", "4"));
        this.apiKey = System.getenv("TRENDSTREAM_GATEWAY_INGEST_API_KEY");
    }

    /** What one phase measured. */
    record Result(String phase, int eventsPerRequest, int clients, long requests, long events, long failures, Map<Integer, Long> statuses,
                  double seconds, long[] latenciesMicros) {
        double percentileMillis(double p) {
            if (latenciesMicros.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latenciesMicros.length - 1, Math.ceil(p / 100 * latenciesMicros.length) - 1);
            return latenciesMicros[Math.max(0, index)] / 1000.0;
        }

        String row() {
            return String.format(Locale.ROOT, "| %s | %d | %d | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f | %d %s |",
                    phase, eventsPerRequest, clients, requests / seconds, events / seconds,
                    percentileMillis(50), percentileMillis(95), percentileMillis(99), percentileMillis(100),
                    failures, failures == 0 ? "" : statuses.toString());
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("Expected --key value, got " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        GatewayLoad load = new GatewayLoad(args);
        Path results = Path.of(args.getOrDefault("results", "gateway-load-results.md"));
        List<Result> phases = new ArrayList<>();
        String only = args.getOrDefault("phases", "single,batch");
        if (only.contains("single")) {
            phases.add(load.run("single", 1));
        }
        if (only.contains("batch")) {
            phases.add(load.run("batch", load.batchSize));
        }
        StringBuilder report = new StringBuilder();
        report.append("\n### ").append(Instant.now()).append(" against ").append(load.base).append("\n\n")
                .append("| phase | events/request | clients | requests/s | events/s | p50 ms | p95 ms | p99 ms | max ms | not 202 |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Result result : phases) {
            report.append(result.row()).append('\n');
        }
        report.append("\nEach phase ").append(load.duration.toSeconds()).append(" s, ")
                .append(Runtime.getRuntime().availableProcessors()).append(" processors seen by the load tool.\n");
        System.out.print(report);
        Files.writeString(results, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("Appended to " + results.toAbsolutePath());
    }

    private Result run(String phase, int eventsPerRequest) throws Exception {
        // A short warm-up: JIT, connections, the registry lookups of the first requests.
        runFor(Duration.ofSeconds(3), eventsPerRequest, 0);
        long started = System.nanoTime();
        List<long[]> perClient = runFor(duration, eventsPerRequest, 1);
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] latencies = perClient.stream().flatMapToLong(Arrays::stream).filter(l -> l >= 0).sorted().toArray();
        long requests = perClient.stream().mapToLong(l -> l.length).sum();
        Map<Integer, Long> statuses = new TreeMap<>();
        statusCounts.forEach((status, count) -> statuses.put(status, count.get()));
        statusCounts.clear();
        long failures = statuses.values().stream().mapToLong(Long::longValue).sum();
        long ok = requests - failures;
        return new Result(phase, eventsPerRequest, concurrency, requests, ok * eventsPerRequest, failures, statuses, seconds, latencies);
    }

    private final Map<Integer, AtomicLong> statusCounts = new ConcurrentHashMap<>();

    /** Each client's latencies in microseconds; -1 for an answer other than 202. */
    private List<long[]> runFor(Duration length, int eventsPerRequest, long seed) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        long end = System.nanoTime() + length.toNanos();
        List<Future<long[]>> futures = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            SplittableRandom random = new SplittableRandom(seed * 1_000 + c);
            futures.add(clients.submit(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                while (System.nanoTime() < end) {
                    boolean order = random.nextInt(viewsPerOrder + 1) == 0;
                    HttpRequest request = request(order, eventsPerRequest, random);
                    long t0 = System.nanoTime();
                    int status = send(request);
                    long micros = (System.nanoTime() - t0) / 1_000;
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = status == 202 ? micros : -1;
                    if (status != 202) {
                        statusCounts.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                    }
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> future : futures) {
            all.add(future.get());
        }
        clients.shutdown();
        if (seed == 0) {
            statusCounts.clear();
        }
        return all;
    }

    private int send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -2;
        }
    }

    private HttpRequest request(boolean order, int events, SplittableRandom random) {
        StringBuilder body = new StringBuilder(events * 120);
        if (events > 1) {
            body.append('[');
        }
        for (int i = 0; i < events; i++) {
            if (i > 0) {
                body.append(',');
            }
            if (order) {
                body.append("{\"user_id\":\"u-").append(random.nextInt(100_000)).append("\",\"items\":[");
                int lines = 1 + random.nextInt(3);
                for (int l = 0; l < lines; l++) {
                    if (l > 0) {
                        body.append(',');
                    }
                    body.append("{\"product_id\":\"p-").append(random.nextInt(500)).append("\",\"quantity\":")
                            .append(1 + random.nextInt(3)).append(",\"price\":").append(1 + random.nextInt(200))
                            .append('.').append(10 + random.nextInt(90)).append('}');
                }
                body.append("]}");
            } else {
                body.append("{\"user_id\":\"u-").append(random.nextInt(100_000)).append("\",\"product_id\":\"p-")
                        .append(random.nextInt(500)).append("\"}");
            }
        }
        if (events > 1) {
            body.append(']');
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(order ? "/api/v1/orders" : "/api/v1/product-views"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("X-API-Key", apiKey);
        }
        return request.build();
    }
}
