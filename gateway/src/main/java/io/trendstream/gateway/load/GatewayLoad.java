package io.trendstream.gateway.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for the running gateway ({@code bin/gateway-load}): a closed loop of {@code --concurrency} clients posting
 * orders and product views (one view in {@code --views-per-order} + 1 requests is an order) for {@code --duration},
 * first one event per request, then {@code --batch-size} events per request (JSON arrays); reports requests/s,
 * events/s and latency percentiles of 202 answers, and appends them to {@code --results}. Any answer but 202 is
 * counted and reported, never retried.
 *
 * <p>Each client is one keep-alive connection with one request in flight; {@code --threads} threads (by default one
 * per two processors) drive all of them ({@link ConnectionDriver}), so that many clients cost the tool little. Products are named
 * {@value #PRODUCT_PREFIX}{@code N} and an order's lines are of distinct products, so that what the job must have
 * counted of the acknowledged events is known exactly: the tool reports the expected sums of {@code orders},
 * {@code units} and {@code views} over those products in {@code product_window_stats} (all phases, warm-ups
 * included), to compare once the windows have closed.
 */
public final class GatewayLoad {

    private final URI base;
    private final int concurrency;
    private final Duration duration;
    private final int batchSize;
    private final int viewsPerOrder;
    private final String apiKey;
    private final int threads;
    /** Of every request answered 202, warm-ups included: what product_window_stats must sum to for these products. */
    private final AtomicLong acceptedOrders = new AtomicLong();
    private final AtomicLong acceptedUnits = new AtomicLong();
    private final AtomicLong acceptedViews = new AtomicLong();

    static final String PRODUCT_PREFIX = "load-p-";
    private static final int PRODUCTS = 500;

    private GatewayLoad(Map<String, String> args) {
        this.base = URI.create(args.getOrDefault("url", "http://localhost:8090"));
        this.concurrency = Integer.parseInt(args.getOrDefault("concurrency", "64"));
        this.duration = Duration.ofSeconds(Long.parseLong(args.getOrDefault("duration", "30")));
        this.batchSize = Integer.parseInt(args.getOrDefault("batch-size", "1000"));
        this.viewsPerOrder = Integer.parseInt(args.getOrDefault("views-per-order", "4"));
        this.apiKey = System.getenv("TRENDSTREAM_GATEWAY_INGEST_API_KEY");
        this.threads = Integer.parseInt(args.getOrDefault("threads",
                Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / 2))));
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
                .append(Runtime.getRuntime().availableProcessors()).append(" processors seen by the load tool. Accepted (202,"
                        + " warm-ups included), to be counted by the job in product_window_stats over product_id LIKE '")
                .append(PRODUCT_PREFIX).append("%': orders ").append(load.acceptedOrders.get()).append(", units ")
                .append(load.acceptedUnits.get()).append(", views ").append(load.acceptedViews.get()).append(".\n");
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

    /** Latencies in microseconds of each driver thread's requests; -1 for an answer other than 202. */
    private List<long[]> runFor(Duration length, int eventsPerRequest, long seed) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        int driverCount = Math.min(threads, concurrency);
        List<Clients> drivers = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int d = 0; d < driverCount; d++) {
            List<Integer> connections = new ArrayList<>();
            for (int c = d; c < concurrency; c += driverCount) {
                connections.add(c);
            }
            Clients clients = new Clients(end, eventsPerRequest, seed, concurrency);
            drivers.add(clients);
            Thread thread = new Thread(new ConnectionDriver(base, apiKey, connections, clients), "load-driver-" + d);
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) {
            thread.join();
        }
        if (seed == 0) {
            statusCounts.clear();
        }
        List<long[]> all = new ArrayList<>();
        for (Clients clients : drivers) {
            all.add(Arrays.copyOf(clients.latencies, clients.count));
        }
        return all;
    }

    /** The closed-loop clients of one driver thread: each connection posts its next request until the phase ends. */
    private final class Clients implements ConnectionDriver.RequestSource {

        private final long end;
        private final int eventsPerRequest;
        private final SplittableRandom[] randoms;
        private long[] latencies = new long[1024];
        private int count;

        Clients(long end, int eventsPerRequest, long seed, int connections) {
            this.end = end;
            this.eventsPerRequest = eventsPerRequest;
            this.randoms = new SplittableRandom[connections];
            for (int c = 0; c < connections; c++) {
                randoms[c] = new SplittableRandom(seed * 1_000 + c);
            }
        }

        @Override
        public ConnectionDriver.Request next(int connection) {
            if (System.nanoTime() >= end) {
                return null;
            }
            SplittableRandom random = randoms[connection];
            boolean order = random.nextInt(viewsPerOrder + 1) == 0;
            Body body = body(order, eventsPerRequest, random);
            return new ConnectionDriver.Request(order ? "/api/v1/orders" : "/api/v1/product-views", body.json, body);
        }

        @Override
        public void answered(ConnectionDriver.Request request, int status, long latencyNanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = status == 202 ? latencyNanos / 1_000 : -1;
            Body body = (Body) request.tag();
            if (status == 202) {
                acceptedOrders.addAndGet(body.orderProducts);
                acceptedUnits.addAndGet(body.units);
                acceptedViews.addAndGet(body.order ? 0 : eventsPerRequest);
            } else {
                statusCounts.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    /** A request's JSON, and what the job will count of it: (order, product) pairs and units. */
    private record Body(byte[] json, boolean order, long orderProducts, long units) {}

    private static Body body(boolean order, int events, SplittableRandom random) {
        StringBuilder body = new StringBuilder(events * 120);
        long orderProducts = 0;
        long units = 0;
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
                int firstProduct = random.nextInt(PRODUCTS);
                for (int l = 0; l < lines; l++) {
                    if (l > 0) {
                        body.append(',');
                    }
                    int quantity = 1 + random.nextInt(3);
                    // Consecutive products: distinct, so that each line is one (order, product) pair for the job.
                    body.append("{\"product_id\":\"").append(PRODUCT_PREFIX).append((firstProduct + l) % PRODUCTS)
                            .append("\",\"quantity\":").append(quantity).append(",\"price\":").append(1 + random.nextInt(200))
                            .append('.').append(10 + random.nextInt(90)).append('}');
                    units += quantity;
                }
                orderProducts += lines;
                body.append("]}");
            } else {
                body.append("{\"user_id\":\"u-").append(random.nextInt(100_000)).append("\",\"product_id\":\"")
                        .append(PRODUCT_PREFIX).append(random.nextInt(PRODUCTS)).append("\"}");
            }
        }
        if (events > 1) {
            body.append(']');
        }
        return new Body(body.toString().getBytes(StandardCharsets.UTF_8), order, orderProducts, units);
    }
}
