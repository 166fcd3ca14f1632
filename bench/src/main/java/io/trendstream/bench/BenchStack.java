package io.trendstream.bench;

import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.stack.DatabaseSchema;
import io.trendstream.stack.KafkaBroker;
import io.trendstream.stack.PostgresServer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The real services every variant runs against, in this JVM (broker, registry, the Flink cluster) or as a child
 * process (PostgreSQL).
 */
final class BenchStack implements AutoCloseable {
    /** XA needs prepared transactions: a few per sink and subtask, times concurrent checkpoints. */
    private static final int MAX_PREPARED_TRANSACTIONS = 64;

    final KafkaBroker kafka;
    final SchemaRegistryServer registryServer;
    final PostgresServer postgres;
    private final int flinkSlots;
    /** Started with the first Flink variant: a run of the Kafka Streams peer alone needs none. */
    private FlinkSession flink;

    private BenchStack(KafkaBroker kafka, SchemaRegistryServer registryServer, PostgresServer postgres, int flinkSlots) {
        this.kafka = kafka;
        this.registryServer = registryServer;
        this.postgres = postgres;
        this.flinkSlots = flinkSlots;
    }

    /** @param flinkSlots the highest parallelism a Flink variant will run at */
    static BenchStack start(int flinkSlots) {
        KafkaBroker kafka = KafkaBroker.builder().temporaryDirectory().build().start();
        SchemaRegistryServer registry = null;
        try {
            registry = SchemaRegistryServer.builder().port(0).bootstrapServers(kafka.bootstrapServers()).build().start();
            // fsync off: the benchmark measures the pipeline, not this machine's disk flushes (documented).
            PostgresServer postgres = PostgresServer.builder()
                    .maxPreparedTransactions(MAX_PREPARED_TRANSACTIONS).fsync(false).build().start();
            return new BenchStack(kafka, registry, postgres, flinkSlots);
        } catch (RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            kafka.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    SchemaRegistrySettings registry() {
        return SchemaRegistrySettings.builder(registryServer.url()).build();
    }

    /** A fresh database with sql/ applied; returns its JDBC URL. */
    String freshDatabase(String name) throws SQLException {
        postgres.createDatabase(name);
        try (Connection connection = postgres.connect(name)) {
            DatabaseSchema.apply(connection, DatabaseSchema.locateSqlDir());
        }
        return postgres.jdbcUrl(name);
    }

    Connection connect(String database) throws SQLException {
        return postgres.connect(database);
    }

    Optional<String> password() {
        return postgres.password();
    }

    /** The Flink cluster every Flink variant is submitted to. */
    FlinkSession flink() throws Exception {
        if (flink == null) {
            flink = FlinkSession.start(flinkSlots);
        }
        return flink;
    }

    @Override
    public void close() throws Exception {
        try {
            if (flink != null) {
                flink.close();
            }
        } finally {
            closeServices();
        }
    }

    private void closeServices() {
        try {
            registryServer.close();
        } finally {
            try {
                kafka.close();
            } finally {
                postgres.close();
            }
        }
    }
}
