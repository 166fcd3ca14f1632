package io.trendstream.testing;

import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.stack.KafkaBrokerExtension;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The project's schema registry for a test class, on a free port, keeping its schemas in the test's broker. */
public final class SchemaRegistryExtension implements BeforeAllCallback, AfterAllCallback {
    private final KafkaBrokerExtension kafka;
    private SchemaRegistryServer server;

    /** @param kafka registered before this extension */
    public SchemaRegistryExtension(KafkaBrokerExtension kafka) {
        this.kafka = kafka;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = SchemaRegistryServer.builder().port(0).bootstrapServers(kafka.bootstrapServers()).build();
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    public SchemaRegistryServer server() {
        return server;
    }
}
