package io.trendstream.generator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Checks before a run that the broker answers and the topics exist, so that a wrong address fails in seconds. */
final class KafkaPreflight {

    private KafkaPreflight() {
    }

    static void check(String bootstrapServers, List<String> topics, Duration timeout) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                // One quick attempt per broker address; retrying is the caller's choice.
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing;
            try {
                admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new GeneratorException("Kafka at " + bootstrapServers + " did not answer within "
                        + timeout.toSeconds() + " s (" + rootMessage(e) + "): check --bootstrap-servers, that the broker"
                        + " runs and that its advertised listeners are reachable from this host", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GeneratorException("Interrupted while checking Kafka at " + bootstrapServers, e);
            }
            List<String> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(topic);
                }
            }
            if (!missing.isEmpty()) {
                throw new GeneratorException("Topic(s) " + missing + " do not exist on " + bootstrapServers
                        + ": create them first (the generator does not create topics; their partitioning is part of the"
                        + " deployment), or pass --orders-topic / --views-topic");
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new GeneratorException("Cannot use Kafka at " + bootstrapServers + " (" + e.getMessage()
                    + "): check --bootstrap-servers", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
