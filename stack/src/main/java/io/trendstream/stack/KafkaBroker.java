package io.trendstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker running in this JVM in KRaft mode, with the broker and controller roles combined.
 *
 * <p>It is started with Kafka's own classes: the storage is formatted with {@link Formatter} (skipped when the
 * directory was formatted before, so data survives a restart) and then {@link KafkaRaftServer} runs. The defaults
 * suit one node and exactly-once pipelines: internal topics have replication factor 1 and min ISR 1, consumer
 * groups rebalance at once, and topics are never created implicitly.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.builder().temporaryDirectory().build()) {
 *     kafka.start();
 *     kafka.createTopic("orders", 4);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String HOST = "localhost";

    private final Path dataDirectory;
    private final boolean deleteOnClose;
    private final int requestedPort;
    private final int requestedControllerPort;
    private final Map<String, String> extraProperties;
    private final Duration startupTimeout;

    // Written under the instance lock by start/close, read by any thread.
    private volatile KafkaRaftServer server;
    private volatile int port;
    private volatile int controllerPort;

    private KafkaBroker(Builder builder) {
        this.dataDirectory = builder.dataDirectory;
        this.deleteOnClose = builder.temporaryDirectory;
        this.requestedPort = builder.port;
        this.requestedControllerPort = builder.controllerPort;
        this.extraProperties = Map.copyOf(builder.extraProperties);
        this.startupTimeout = builder.startupTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory unless it already holds a formatted log, starts the broker and returns once it
     * answers admin requests.
     *
     * @throws IllegalStateException if a port is taken or the broker does not become ready in time
     */
    public synchronized KafkaBroker start() {
        if (server != null) {
            throw new IllegalStateException("The broker is already running on " + bootstrapServers());
        }
        List<Integer> free = FreePorts.distinct(2);
        port = requestedPort == 0 ? free.get(0) : requirePortFree(requestedPort, "listener");
        controllerPort = requestedControllerPort != 0 ? requirePortFree(requestedControllerPort, "controller")
                : free.stream().filter(p -> p != port).findFirst().orElseThrow(); // never the listener's port
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(), false);
        try {
            Files.createDirectories(dataDirectory);
            formatIfNeeded(config);
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka storage in " + dataDirectory, e);
        }
        KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            raftServer.startup();
            server = raftServer;
            awaitReady();
        } catch (RuntimeException e) {
            server = null;
            shutdownQuietly(raftServer);
            throw e;
        }
        LOG.info("Kafka broker ready on {} (data in {})", bootstrapServers(), dataDirectory);
        return this;
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code localhost:9092}. */
    public String bootstrapServers() {
        requireRunning();
        return HOST + ":" + port;
    }

    public int port() {
        requireRunning();
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Creates a topic unless one of that name exists already (whatever its partition count). */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic with the given topic configs unless one of that name exists already. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs));
        try (Admin admin = admin()) {
            awaitTopicChange(admin.createTopics(List.of(topic)).all(), "create", name, TopicExistsException.class);
        }
    }

    /** Deletes the topics, and with them their data on disk; a topic that does not exist is no error. */
    public void deleteTopics(Collection<String> names) {
        try (Admin admin = admin()) {
            admin.deleteTopics(names).topicNameValues().forEach((name, deleted) ->
                    awaitTopicChange(deleted, "delete", name, UnknownTopicOrPartitionException.class));
        }
    }

    /** Waits for an admin change of topic {@code name}; a failure of type {@code alreadySo} means it needed none. */
    private static void awaitTopicChange(
            KafkaFuture<Void> change, String action, String name, Class<? extends Throwable> alreadySo) {
        try {
            change.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!alreadySo.isInstance(e.getCause())) {
                throw new IllegalStateException("Could not " + action + " topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + action + " topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out trying to " + action + " topic " + name, e);
        }
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(config);
    }

    /** Shuts the broker down cleanly; deletes the data directory if the builder made it a temporary one. */
    @Override
    public synchronized void close() {
        if (server != null) {
            shutdownQuietly(server);
            server = null;
        }
        if (deleteOnClose) {
            deleteRecursively(dataDirectory);
        }
    }

    private Properties brokerProperties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDirectory.toAbsolutePath().toString());
        // One node: every internal topic must be satisfiable by a single replica, or transactions and groups hang.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "1");
        // Tests and local runs want consumers to get their partitions at once.
        props.put("group.initial.rebalance.delay.ms", "0");
        // Topics are part of the deployment: a typo must fail, not create a topic.
        props.put("auto.create.topics.enable", "false");
        // Flink's exactly-once Kafka sink keeps transactions open across checkpoints; allow up to an hour.
        props.put("transaction.max.timeout.ms", "3600000");
        props.putAll(extraProperties);
        return props;
    }

    private void formatIfNeeded(KafkaConfig config) throws Exception {
        // A formatted directory keeps its cluster id and log: reformatting would fail on the id or lose data.
        if (Files.exists(dataDirectory.resolve("meta.properties"))) {
            return;
        }
        new Formatter()
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dataDirectory.toAbsolutePath().toString()))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + port,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        Exception last = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                try {
                    // The broker answers describeCluster only once it has registered with the controller.
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
                }
            }
        }
        throw new IllegalStateException("Kafka broker on port " + port + " was not ready within " + startupTimeout, last);
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("The Kafka broker is not running; call start() first");
        }
    }

    private static void shutdownQuietly(KafkaRaftServer raftServer) {
        try {
            raftServer.shutdown();
            raftServer.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker did not shut down cleanly", e);
        }
    }

    /** Fails early with a clear message rather than with Kafka's bind error deep in startup. */
    private static int requirePortFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("Kafka " + what + " port " + port
                    + " is already in use: stop the process holding it or choose another port", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}", root, e);
        }
    }

    /** Options of a {@link KafkaBroker}. */
    public static final class Builder {
        private Path dataDirectory;
        private boolean temporaryDirectory;
        private int port;
        private int controllerPort;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Keeps the log in this directory; it is formatted on first use and reused afterwards. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            this.temporaryDirectory = false;
            return this;
        }

        /** Keeps the log in a new temporary directory that {@link #close()} deletes. */
        public Builder temporaryDirectory() {
            try {
                this.dataDirectory = Files.createTempDirectory("kafka-broker-");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create a temporary directory", e);
            }
            this.temporaryDirectory = true;
            return this;
        }

        /** The client listener port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = requireValidPort(port);
            return this;
        }

        /** The KRaft controller port; 0 (the default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = requireValidPort(port);
            return this;
        }

        /** A broker setting that overrides the defaults, e.g. {@code log.retention.hours}. */
        public Builder brokerProperty(String key, String value) {
            extraProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder brokerProperties(Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public KafkaBroker build() {
            if (dataDirectory == null) {
                temporaryDirectory();
            }
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("The listener and controller ports must differ: " + port);
            }
            return new KafkaBroker(this);
        }

        private static int requireValidPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            return port;
        }
    }
}
