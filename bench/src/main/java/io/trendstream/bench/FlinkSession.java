package io.trendstream.bench;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

/**
 * A Flink cluster the variants are submitted to over its REST API, as {@code flink run} submits to a session
 * cluster: a MiniCluster with one TaskManager, in this JVM ({@link #start}) or in a JVM of its own
 * ({@link #startInOwnJvm}).
 *
 * <p>One cluster serves every Flink variant of an invocation: a cluster per run, as the benchmark had before, cost
 * every measured run JIT work that no long-running TaskManager does: each MiniCluster loads Flink's RPC system (Pekko
 * and Scala, about 1,460 classes) into a class loader of its own, whose code is then compiled anew (bench/README.md,
 * <i>One JVM, compiled code kept</i>).
 */
final class FlinkSession implements AutoCloseable {
    /** The line a session in its own JVM prints when it is up: this prefix, its REST port, its JMX service URL. */
    private static final String READY = "[bench-flink-session] ready";

    private final int restPort;
    private final VariantJvm jvm;
    private final InProcessMetrics.Reader metrics;
    private final AutoCloseable resources;

    private FlinkSession(int restPort, VariantJvm jvm, InProcessMetrics.Reader metrics, AutoCloseable resources) {
        this.restPort = restPort;
        this.jvm = jvm;
        this.metrics = metrics;
        this.resources = resources;
    }

    /** @param slots the highest parallelism any variant will run at (one TaskManager with this many slots) */
    static FlinkSession start(int slots) throws Exception {
        MiniCluster cluster = startCluster(slots);
        return new FlinkSession(cluster.getRestAddress().get().getPort(), VariantJvm.thisJvm(),
                InProcessMetrics.IN_THIS_JVM, cluster);
    }

    /**
     * The same cluster in a JVM of its own (this JVM's options and class path, no profiler), so that what is measured
     * of that JVM is Flink's alone (a JobManager and the TaskManager running the job): not the broker's, the
     * registry's or the bench's bookkeeping of the expected rows, which grows with the input. Its memory and CPU are
     * read over JMX, on the loopback interface; it ends with this session, or when this JVM ends.
     */
    static FlinkSession startInOwnJvm(int slots) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-XX:StartFlightRecording") && !option.startsWith("-agentlib")
                    && !option.startsWith("-javaagent")) {
                command.add(option);
            }
        }
        command.addAll(List.of("-Djava.rmi.server.hostname=127.0.0.1", "-cp", System.getProperty("java.class.path"),
                FlinkSession.class.getName(), Integer.toString(slots)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        JMXConnector connector = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(READY)) {
                System.err.println(line);
            }
            if (line == null) {
                throw new IllegalStateException("the Flink session's own JVM ended before it was up (exit status "
                        + process.waitFor() + "; its log is above)");
            }
            String[] ready = line.substring(READY.length()).trim().split(" ");
            Thread drain = new Thread(() -> out.lines().forEach(System.err::println), "flink-session-jvm-stdout");
            drain.setDaemon(true);
            drain.start();
            connector = JMXConnectorFactory.connect(new JMXServiceURL(ready[1]));
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            JMXConnector jmx = connector;
            return new FlinkSession(Integer.parseInt(ready[0]), new VariantJvm(mbeans, process.pid()),
                    InProcessMetrics.overJmx(mbeans), () -> {
                        try {
                            jmx.close();
                        } finally {
                            stop(process);
                        }
                    });
        } catch (Exception e) {
            if (connector != null) {
                connector.close();
            }
            stop(process);
            throw e;
        }
    }

    /** Ends a session's own JVM: its standard input closes (it then closes its cluster), or after a minute it is killed. */
    private static void stop(Process process) throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * A session's own JVM ({@link #startInOwnJvm}): starts the cluster and a JMX connector on the loopback interface,
     * prints {@link #READY}, and runs until its standard input closes.
     */
    public static void main(String[] args) throws Exception {
        try (MiniCluster cluster = startCluster(Integer.parseInt(args[0]))) {
            InProcessMetrics.exposeOverJmx();
            Map<String, Object> environment = Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE,
                    (java.rmi.server.RMIServerSocketFactory) port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
            JMXConnectorServer jmx = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL("rmi", "127.0.0.1", 0),
                    environment, ManagementFactory.getPlatformMBeanServer());
            jmx.start();
            try {
                System.out.println(READY + " " + cluster.getRestAddress().get().getPort() + " " + jmx.getAddress());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // runs until the bench closes this JVM's standard input, or ends
                }
            } finally {
                jmx.stop();
            }
        }
        System.exit(0); // non-daemon threads of the cluster's clients must not keep this JVM
    }

    private static MiniCluster startCluster(int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        // The metrics the bench polls every 250 ms are read in process: through the REST API each poll had the
        // JobManager fetch every metric of the job, a cost of the measurement that grew with the job's operators.
        conf.setString(InProcessMetrics.FACTORY_KEY, InProcessMetrics.Factory.class.getName());
        // Checkpoints on the file system, as deployed (flink-conf/config.yaml), not in the JobManager's memory.
        URI checkpoints = Files.createTempDirectory("trendstream-bench-checkpoints").toUri();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toString());
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start();
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** An environment whose jobs run on this cluster at {@code parallelism}. */
    StreamExecutionEnvironment environment(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("localhost", restPort, new Configuration());
        env.setParallelism(parallelism);
        return env;
    }

    int restPort() {
        return restPort;
    }

    /** The JVM the cluster's jobs run in. */
    VariantJvm jvm() {
        return jvm;
    }

    /** The metrics of the cluster's jobs the bench polls. */
    InProcessMetrics.Reader metrics() {
        return metrics;
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }
}
