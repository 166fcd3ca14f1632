package io.trendstream.gateway.ingest;

import io.trendstream.events.ProductView;
import io.trendstream.gateway.CommittedTopic;
import io.trendstream.gateway.Gateway;
import io.trendstream.gateway.GatewayHttp;
import io.trendstream.gateway.IngestGateways;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.stack.FreePorts;
import io.trendstream.stack.KafkaBroker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker stops while clients post and comes back: every event answered 202 is in the topic exactly once
 * (read_committed), requests during the outage are answered 503 naming Kafka, and ingest resumes by itself.
 */
class BrokerOutageITCase {

    private static final int CLIENTS = 4;

    @TempDir
    Path kafkaData;

    @Test
    void noAcknowledgedEventIsLostOrDuplicatedWhenTheBrokerStopsUnderLoad() throws Exception {
        List<Integer> ports = FreePorts.distinct(2);
        int port = ports.get(0);
        int controllerPort = ports.get(1);
        KafkaBroker broker = broker(port, controllerPort).start();
        broker.createTopic("product-views", 2);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        AtomicBoolean posting = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try (SchemaRegistryServer registry = SchemaRegistryServer.builder().port(0)
                .bootstrapServers(broker.bootstrapServers()).build().start()) {
            try (Gateway gateway = IngestGateways.start(broker.bootstrapServers(), registry.url(),
                    Map.of("gateway.ingest.ack-timeout", "60 s"))) {
                GatewayHttp http = new GatewayHttp(gateway.localUri());
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.submit(() -> {
                        for (int n = 0; posting.get(); n++) {
                            String id = "load-" + client + "-" + n;
                            GatewayHttp.Answer answer = http.postJson("/api/v1/product-views",
                                    "{\"event_id\": \"" + id + "\", \"user_id\": \"u\", \"product_id\": \"p-" + (n % 10) + "\"}");
                            if (answer.status() == 202) {
                                acknowledged.add(id);
                            } else if (answer.status() == 503 && answer.json().get("error").asText().equals("kafka_unavailable")) {
                                refused.add(id);
                            } else {
                                unexpected.add(answer.status() + " " + answer.body());
                            }
                        }
                        return null;
                    });
                }
                Supplier<String> progress = () -> acknowledged.size() + " acknowledged, " + refused.size() + " refused, "
                        + unexpected.size() + " unexpected " + unexpected.stream().limit(3).toList();
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                        assertThat(acknowledged.size()).as(progress.get()).isGreaterThanOrEqualTo(100));

                broker.close();
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                        assertThat(refused.size()).as(progress.get()).isGreaterThanOrEqualTo(20));
                int acknowledgedDuringOutage = acknowledged.size();

                broker = broker(port, controllerPort).start();
                await().atMost(Duration.ofSeconds(180)).untilAsserted(() ->
                        assertThat(acknowledged.size()).as(progress.get()).isGreaterThanOrEqualTo(acknowledgedDuringOutage + 100));
                posting.set(false);
                clients.shutdown();
                assertThat(clients.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
            }

            Map<String, Long> inTopic = CommittedTopic.read(broker.bootstrapServers(), registry.url(), "product-views",
                            ProductView.class, ProductView.getClassSchema()).stream()
                    .collect(Collectors.groupingBy(ProductView::getEventId, Collectors.counting()));
            assertThat(unexpected).isEmpty();
            assertThat(refused).isNotEmpty();
            assertThat(inTopic.keySet()).containsAll(acknowledged);
            assertThat(inTopic).allSatisfy((id, count) -> assertThat(count).as("copies of " + id).isEqualTo(1));
            // A refused request may still have been committed (its commit's outcome unknown): never anything else.
            List<String> neitherAckedNorRefused = new ArrayList<>(inTopic.keySet());
            neitherAckedNorRefused.removeAll(acknowledged);
            neitherAckedNorRefused.removeAll(refused);
            assertThat(neitherAckedNorRefused).isEmpty();
        } finally {
            posting.set(false);
            clients.shutdownNow();
            broker.close();
        }
    }

    private KafkaBroker broker(int port, int controllerPort) {
        return KafkaBroker.builder().dataDirectory(kafkaData).port(port).controllerPort(controllerPort).build();
    }
}
