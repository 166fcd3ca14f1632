package io.trendstream.stack;

import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real single-node {@link KafkaBroker} (temporary directory, free ports) for the tests of one class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * }</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> brokerProperties;
    private KafkaBroker broker;

    public KafkaBrokerExtension() {
        this(Map.of());
    }

    /** With broker settings that override {@link KafkaBroker}'s defaults. */
    public KafkaBrokerExtension(Map<String, String> brokerProperties) {
        this.brokerProperties = Map.copyOf(brokerProperties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Nested test classes run beforeAll again; one broker serves them all.
        if (broker == null) {
            broker = KafkaBroker.builder().temporaryDirectory().brokerProperties(brokerProperties).build().start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null && context.getParent().map(p -> p.getParent().isEmpty()).orElse(true)) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    public void createTopic(String name, int partitions) {
        broker().createTopic(name, partitions);
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) {
        broker().createTopic(name, partitions, configs);
    }

    /** A new admin client; the caller closes it. */
    public Admin admin() {
        return broker().admin();
    }

    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("The Kafka broker runs only while the test class runs");
        }
        return broker;
    }
}
