package io.trendstream.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking Confluent's REST API (v1) for Avro schemas, keeping its state in a compacted Kafka
 * topic so that ids and versions survive restarts. One instance writes to a topic (see {@link SchemaRegistry}).
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry = SchemaRegistryServer.builder()
 *         .bootstrapServers("localhost:9092")
 *         .build()
 *         .start()) {
 *     String url = registry.url();
 * }
 * }</pre>
 *
 * From the command line: {@code SchemaRegistryServer --port 8085 --bootstrap-servers localhost:9092 [--topic _schemas]};
 * basic-auth users come from {@value #USERS_ENV} as {@code user:password[,user:password...]}.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    /** Environment variable holding the basic-auth users of {@link #main}. */
    public static final String USERS_ENV = "SCHEMA_REGISTRY_BASIC_AUTH_USERS";
    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final String host;
    private final int requestedPort;
    private final String bootstrapServers;
    private final String topic;
    private final Map<String, String> users;
    private final Duration storeTimeout;
    private final int threads;

    private HttpServer server;
    private ExecutorService executor;
    private SchemaRegistry registry;

    private SchemaRegistryServer(Builder builder) {
        this.host = builder.host;
        this.requestedPort = builder.port;
        this.bootstrapServers = builder.bootstrapServers;
        this.topic = builder.topic;
        this.users = Map.copyOf(builder.users);
        this.storeTimeout = builder.storeTimeout;
        this.threads = builder.threads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the schema topic to its end (creating it if missing), then starts serving HTTP.
     *
     * @throws IllegalStateException if the topic cannot be read or the port is taken
     */
    public synchronized SchemaRegistryServer start() {
        if (server != null) {
            throw new IllegalStateException("The schema registry is already running on " + url());
        }
        SchemaRegistry loaded = new SchemaRegistry(new SchemaLog(bootstrapServers, topic, storeTimeout));
        try {
            loaded.load();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loaded.close();
            throw new IllegalStateException("Interrupted while reading the schema topic " + topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            loaded.close();
            throw new IllegalStateException("Could not read the schema topic " + topic + " from Kafka at "
                    + bootstrapServers + ": is the broker running?", e);
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
        } catch (BindException e) {
            loaded.close();
            throw new IllegalStateException("Port " + requestedPort + " on " + host
                    + " is already in use: stop the process holding it or choose another port", e);
        } catch (IOException e) {
            loaded.close();
            throw new UncheckedIOException("Could not start the HTTP server", e);
        }
        HttpContext context = http.createContext("/", new RestApi(loaded));
        if (!users.isEmpty()) {
            context.setAuthenticator(new UserAuthenticator(users));
        }
        AtomicInteger threadCount = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(executor);
        http.start();
        server = http;
        registry = loaded;
        LOG.info("Schema registry serving {} from topic {} ({} basic-auth users)", url(), topic, users.size());
        return this;
    }

    /** The base URL, e.g. {@code http://localhost:8085}. */
    public String url() {
        return "http://" + host + ":" + port();
    }

    public int port() {
        if (server == null) {
            throw new IllegalStateException("The schema registry is not running; call start() first");
        }
        return server.getAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Builder builder = builder().host("localhost").port(8085);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                System.out.println(usage());
                return;
            }
            if (i + 1 >= args.length) {
                fail("Missing value for " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--port" -> builder.port(parsePort(value));
                case "--bootstrap-servers" -> builder.bootstrapServers(value);
                case "--topic" -> builder.topic(value);
                case "--host" -> builder.host(value);
                default -> fail("Unknown option " + option);
            }
        }
        String users = System.getenv(USERS_ENV);
        if (users != null && !users.isBlank()) {
            for (String user : users.split(",")) {
                int colon = user.indexOf(':');
                if (colon <= 0) {
                    // Never echo the value: it holds passwords.
                    fail(USERS_ENV + " must be user:password[,user:password...]");
                }
                builder.basicAuthUser(user.substring(0, colon).trim(), user.substring(colon + 1));
            }
        }
        if (builder.bootstrapServers == null) {
            fail("--bootstrap-servers is required");
        }
        SchemaRegistryServer server = builder.build();
        try {
            server.start();
        } catch (RuntimeException e) {
            fail("Schema registry failed to start: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "schema-registry-shutdown"));
        System.out.println("Schema registry ready on " + server.url());
        System.out.flush();
        stopped.await();
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            fail("--port needs a number, got '" + value + "'");
            return -1;
        }
    }

    private static String usage() {
        return "Usage: SchemaRegistryServer --bootstrap-servers localhost:9092 [--port 8085] [--topic _schemas]"
                + " [--host localhost]\nBasic auth: set " + USERS_ENV + "=user:password[,user:password...]";
    }

    private static void fail(String message) {
        System.err.println(message);
        System.err.println(usage());
        System.exit(2);
    }

    /** Options of a {@link SchemaRegistryServer}. */
    public static final class Builder {
        private String host = "localhost";
        private int port;
        private String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private final Map<String, String> users = new LinkedHashMap<>();
        private Duration storeTimeout = Duration.ofSeconds(30);
        private int threads = 4;

        private Builder() {
        }

        /** The interface to listen on; {@code localhost} by default. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The HTTP port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** The compacted topic holding the schemas; {@value #DEFAULT_TOPIC} by default. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Requires HTTP basic auth; every user added may call every endpoint. */
        public Builder basicAuthUser(String user, String password) {
            if (Objects.requireNonNull(user, "user").isEmpty() || user.contains(":")) {
                throw new IllegalArgumentException("A user name must be non-empty and contain no ':'");
            }
            users.put(user, Objects.requireNonNull(password, "password"));
            return this;
        }

        /** How long to wait for Kafka when reading or writing the topic. */
        public Builder storeTimeout(Duration timeout) {
            this.storeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be positive: " + threads);
            }
            this.threads = threads;
            return this;
        }

        public SchemaRegistryServer build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            return new SchemaRegistryServer(this);
        }

        @Override
        public String toString() {
            // Passwords stay out of logs.
            return "SchemaRegistryServer.Builder{host=" + host + ", port=" + port + ", bootstrapServers="
                    + bootstrapServers + ", topic=" + topic + ", users=" + users.keySet() + "}";
        }
    }
}
