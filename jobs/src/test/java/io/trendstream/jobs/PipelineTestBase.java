package io.trendstream.jobs;

import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.PostgresExtension;
import io.trendstream.testing.SchemaRegistryExtension;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every end-to-end test of the job runs against, once per test class: a real Kafka broker, the schema registry
 * on it, PostgreSQL, and a Flink MiniCluster of one TaskManager with two slots (the job's parallelism in these tests).
 * Started in this order and stopped in reverse, so the job never outlives the services it writes to.
 */
abstract class PipelineTestBase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension(KAFKA);

    @RegisterExtension
    @Order(3)
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    @Order(4)
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());
}
