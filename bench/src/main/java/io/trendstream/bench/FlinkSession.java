package io.trendstream.bench;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.taskexecutor.TaskExecutorResourceUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * cluster: a MiniCluster with one TaskManager in this JVM ({@link #start}), or a standalone session of a JobManager
 * process and a TaskManager process ({@link #startStandalone}).
 *
 * <p>One cluster serves every Flink variant of an invocation: a cluster per run, as the benchmark had before, cost
 * every measured run JIT work that no long-running TaskManager does: each MiniCluster loads Flink's RPC system (Pekko
 * and Scala, about 1,460 classes) into a class loader of its own, whose code is then compiled anew (bench/README.md,
 * <i>One JVM, compiled code kept</i>).
 */
final class FlinkSession implements AutoCloseable {
    /** The line a standalone session's process prints when it is up: this prefix, then what the bench needs of it. */
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
     * A standalone session as {@code bin/pipeline} runs one: a JobManager process and a TaskManager process with
     * {@code slots} slots, each a JVM of its own (this JVM's options and class path, no profiler). What is measured is
     * the TaskManager's JVM alone, the one running the job: not the broker's, the registry's or the bench's bookkeeping
     * of the expected rows (which grows with the input), and not the JobManager's REST server, checkpoint statistics
     * and job graphs either. The TaskManager has the MiniCluster's memory settings (128 MiB managed memory for RocksDB,
     * 64 MiB network buffers), so a job runs as it does in {@link #start}. Its memory and CPU are read over JMX, on the
     * loopback interface; both processes end with this session, or when this JVM ends.
     */
    static FlinkSession startStandalone(int slots) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(JobManagerOptions.ADDRESS.key(), "localhost");
        settings.put(JobManagerOptions.BIND_HOST.key(), "localhost");
        settings.put(JobManagerOptions.PORT.key(), "0");
        settings.put(RestOptions.ADDRESS.key(), "localhost");
        settings.put(RestOptions.BIND_ADDRESS.key(), "localhost");
        settings.put(RestOptions.BIND_PORT.key(), "0");
        settings.put(TaskManagerOptions.HOST.key(), "localhost");
        settings.put(TaskManagerOptions.BIND_HOST.key(), "localhost");
        settings.put(TaskManagerOptions.NUM_TASK_SLOTS.key(), Integer.toString(slots));
        settings.putAll(commonSettings());
        ChildJvm jobManager = ChildJvm.start(Role.JOBMANAGER, settings);
        ChildJvm taskManager = null;
        JMXConnector connector = null;
        try {
            int restPort = Integer.parseInt(jobManager.ready[0]);
            settings.put(JobManagerOptions.PORT.key(), jobManager.ready[1]);
            taskManager = ChildJvm.start(Role.TASKMANAGER, settings);
            connector = JMXConnectorFactory.connect(new JMXServiceURL(taskManager.ready[0]));
            awaitTaskManager(restPort);
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            JMXConnector jmx = connector;
            ChildJvm tm = taskManager;
            return new FlinkSession(restPort, new VariantJvm(mbeans, taskManager.process.pid()),
                    InProcessMetrics.overJmx(mbeans), () -> {
                        try (jobManager; tm; jmx) {
                            // closed in reverse order: the JMX connection, the TaskManager, the JobManager
                        }
                    });
        } catch (Exception e) {
            for (AutoCloseable started : new AutoCloseable[] {connector, taskManager, jobManager}) {
                try {
                    if (started != null) {
                        started.close();
                    }
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Waits until the session's JobManager reports a registered TaskManager: until then a job would wait for slots. */
    private static void awaitTaskManager(int restPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + "/taskmanagers")).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!http.send(request, HttpResponse.BodyHandlers.ofString()).body().contains("\"slotsNumber\"")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bench's TaskManager did not register with its JobManager within a minute"
                        + " (their logs are above)");
            }
            Thread.sleep(100);
        }
    }

    /** What a session's processes run as: {@link #main} starts one of them. */
    private enum Role { JOBMANAGER, TASKMANAGER }

    /** A process of a standalone session: started, its {@link #READY} line read, ended when closed. */
    private static final class ChildJvm implements AutoCloseable {
        final Process process;
        /** What the process printed after {@link #READY}. */
        final String[] ready;

        private ChildJvm(Process process, String[] ready) {
            this.process = process;
            this.ready = ready;
        }

        static ChildJvm start(Role role, Map<String, String> settings) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!option.startsWith("-XX:StartFlightRecording") && !option.startsWith("-agentlib")
                        && !option.startsWith("-javaagent")) {
                    command.add(option);
                }
            }
            command.addAll(List.of("-Djava.rmi.server.hostname=127.0.0.1", "-cp", System.getProperty("java.class.path"),
                    FlinkSession.class.getName(), role.name()));
            settings.forEach((key, value) -> command.add(key + "=" + value));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.startsWith(READY)) {
                    System.err.println(line);
                }
                if (line == null) {
                    throw new IllegalStateException("the bench's Flink " + role.name().toLowerCase(Locale.ROOT)
                            + " ended before it was up (exit status " + process.waitFor() + "; its log is above)");
                }
                Thread drain = new Thread(() -> out.lines().forEach(System.err::println),
                        "flink-" + role.name().toLowerCase(Locale.ROOT) + "-stdout");
                drain.setDaemon(true);
                drain.start();
                return new ChildJvm(process, line.substring(READY.length()).trim().split(" "));
            } catch (Exception e) {
                stop(process);
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            stop(process);
        }
    }

    /** Ends a session's process: its standard input closes (it then closes its part of the cluster), or after a minute it is killed. */
    private static void stop(Process process) throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * A standalone session's process ({@link #startStandalone}): {@code JOBMANAGER} or {@code TASKMANAGER}, then the
     * session's settings as {@code key=value}. Starts that part of the cluster, prints {@link #READY} (the
     * JobManager: its REST and RPC ports; the TaskManager: its JMX service URL), and runs until its standard input
     * closes.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : Arrays.asList(args).subList(1, args.length)) {
            int eq = setting.indexOf('=');
            settings.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        Configuration conf = Configuration.fromMap(settings);
        if (Role.valueOf(args[0]) == Role.JOBMANAGER) {
            StandaloneSessionClusterEntrypoint jobManager = new StandaloneSessionClusterEntrypoint(conf);
            jobManager.startCluster();
            try {
                ready(jobManager.getRestPort() + " " + jobManager.getRpcPort());
            } finally {
                jobManager.closeAsync().get(1, TimeUnit.MINUTES);
            }
        } else {
            // What a MiniCluster's TaskManager gets (the scripts' memory calculation would size it for a process).
            TaskExecutorResourceUtils.adjustForLocalExecution(conf);
            PluginManager plugins = PluginUtils.createPluginManagerFromRootFolder(conf);
            FileSystem.initialize(conf, plugins);
            InProcessMetrics.exposeOverJmx();
            Map<String, Object> environment = Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE,
                    (java.rmi.server.RMIServerSocketFactory) port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
            JMXConnectorServer jmx = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL("rmi", "127.0.0.1", 0),
                    environment, ManagementFactory.getPlatformMBeanServer());
            jmx.start();
            TaskManagerRunner taskManager = new TaskManagerRunner(conf, plugins, TaskManagerRunner::createTaskExecutorService);
            try {
                taskManager.start();
                ready(jmx.getAddress().toString());
            } finally {
                taskManager.closeAsync().get(1, TimeUnit.MINUTES);
                jmx.stop();
            }
        }
        System.exit(0); // non-daemon threads of the cluster's clients must not keep this JVM
    }

    /** Prints {@link #READY} and what follows it, then waits until the bench closes this JVM's standard input. */
    private static void ready(String what) throws Exception {
        System.out.println(READY + " " + what);
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the bench closes this JVM's standard input, or ends
        }
    }

    /** Settings of the bench's clusters in this JVM and in processes of their own. */
    private static Map<String, String> commonSettings() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        // The metrics the bench polls every 250 ms are read in process: through the REST API each poll had the
        // JobManager fetch every metric of the job, a cost of the measurement that grew with the job's operators.
        settings.put(InProcessMetrics.FACTORY_KEY, InProcessMetrics.Factory.class.getName());
        // Checkpoints on the file system, as deployed (flink-conf/config.yaml), not in the JobManager's memory.
        URI checkpoints = Files.createTempDirectory("trendstream-bench-checkpoints").toUri();
        settings.put(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(), checkpoints.toString());
        return settings;
    }

    private static MiniCluster startCluster(int slots) throws Exception {
        Configuration conf = Configuration.fromMap(commonSettings());
        conf.set(RestOptions.BIND_PORT, "0");
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

    /** The JVM the cluster's jobs run in: this one, or the standalone session's TaskManager. */
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
