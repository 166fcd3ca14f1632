package io.trendstream.gateway.ingest;

import io.trendstream.events.ProductView;
import io.trendstream.gateway.CommittedTopic;
import io.trendstream.gateway.Gateway;
import io.trendstream.gateway.GatewayHttp;
import io.trendstream.gateway.IngestGateways;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.stack.KafkaBrokerExtension;

import org.apache.kafka.clients.admin.TransactionListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The group commit's producers take turns: under concurrent requests every producer of the pool (each with its own
 * transactional id on the broker) commits transactions, and every event answered 202 is in the topic exactly once.
 */
class GroupCommitPoolITCase {

    private static final int CLIENTS = 8;
    private static final int PRODUCERS = 3;
    private static final String TRANSACTIONAL_ID = "gateway-pool-it";
    private static final Pattern TRANSACTIONS =
            Pattern.compile("^gateway_kafka_transactions_total\\{transactional_id=\"([^\"]+)\"} (\\S+)$", Pattern.MULTILINE);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void everyProducerOfThePoolCommitsAndEachAcknowledgedEventIsInTheTopicOnce() throws Exception {
        KAFKA.createTopic("product-views", 2);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> notAcknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean posting = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try (SchemaRegistryServer registry = SchemaRegistryServer.builder().port(0)
                .bootstrapServers(KAFKA.bootstrapServers()).build().start();
             Gateway gateway = IngestGateways.start(KAFKA.bootstrapServers(), registry.url(), Map.of(
                     "gateway.ingest.transactional-id", TRANSACTIONAL_ID,
                     "gateway.ingest.transaction-producers", Integer.toString(PRODUCERS)))) {
            GatewayHttp http = new GatewayHttp(gateway.localUri());
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.submit(() -> {
                    for (int n = 0; posting.get(); n++) {
                        String id = "pool-" + client + "-" + n;
                        int status = http.postJson("/api/v1/product-views",
                                "{\"event_id\": \"" + id + "\", \"user_id\": \"u\", \"product_id\": \"p-" + (n % 10) + "\"}").status();
                        if (status == 202) {
                            acknowledged.add(id);
                        } else {
                            notAcknowledged.add(id + ": " + status);
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(committedTransactions(http))
                    .as("transactions committed by transactional id (%d acknowledged)", acknowledged.size())
                    .containsOnlyKeys(IDS)
                    .allSatisfy((id, count) -> assertThat(count).as(id).isGreaterThanOrEqualTo(5)));
            posting.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            assertThat(KAFKA.admin().listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId).filter(id -> id.startsWith(TRANSACTIONAL_ID)))
                    .as("transactional ids on the broker").containsExactlyInAnyOrderElementsOf(IDS);
            assertThat(notAcknowledged).isEmpty();
            Map<String, Long> inTopic = CommittedTopic.read(KAFKA.bootstrapServers(), registry.url(), "product-views",
                            ProductView.class, ProductView.getClassSchema()).stream()
                    .collect(Collectors.groupingBy(ProductView::getEventId, Collectors.counting()));
            assertThat(inTopic.keySet()).containsExactlyInAnyOrderElementsOf(acknowledged);
            assertThat(inTopic).allSatisfy((id, count) -> assertThat(count).as("copies of " + id).isEqualTo(1));
        } finally {
            posting.set(false);
            clients.shutdownNow();
        }
    }

    private static final List<String> IDS = GroupCommitPublisher.transactionalIds(TRANSACTIONAL_ID, PRODUCERS);

    private static Map<String, Double> committedTransactions(GatewayHttp http) {
        Matcher matcher = TRANSACTIONS.matcher(http.get("/metrics").body());
        Map<String, Double> byId = new TreeMap<>();
        while (matcher.find()) {
            byId.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return byId;
    }
}
