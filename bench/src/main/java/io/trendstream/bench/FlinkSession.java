package io.trendstream.bench;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.nio.file.Files;

/**
 * The one Flink cluster every Flink variant of an invocation is submitted to, over its REST API, as {@code flink run}
 * submits to a session cluster: an in-process MiniCluster with one TaskManager.
 *
 * <p>A cluster per run, as the benchmark had before, cost every measured run JIT work that no long-running
 * TaskManager does: each MiniCluster loads Flink's RPC system (Pekko and Scala, about 1,460 classes) into a class
 * loader of its own, whose code is then compiled anew (bench/README.md, <i>One JVM, compiled code kept</i>).
 */
final class FlinkSession implements AutoCloseable {

    private final MiniCluster cluster;
    private final int restPort;

    private FlinkSession(MiniCluster cluster, int restPort) {
        this.cluster = cluster;
        this.restPort = restPort;
    }

    /** @param slots the highest parallelism any variant will run at (one TaskManager with this many slots) */
    static FlinkSession start(int slots) throws Exception {
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
            return new FlinkSession(cluster, cluster.getRestAddress().get().getPort());
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

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
