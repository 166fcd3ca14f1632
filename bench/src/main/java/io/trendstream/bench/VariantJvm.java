package io.trendstream.bench;

import java.lang.management.ManagementFactory;

import javax.management.MBeanServerConnection;

/**
 * The JVM a variant runs in, as {@link ResourceSampler} measures it: this one (the broker, the registry and the
 * in-process Flink cluster or Kafka Streams app all in it), or the TaskManager of a standalone Flink session
 * ({@link FlinkSession#startStandalone}), reached over JMX.
 *
 * @param mbeans its platform MBeans
 * @param pid its process id, for its resident set size
 */
record VariantJvm(MBeanServerConnection mbeans, long pid) {

    /** This JVM. */
    static VariantJvm thisJvm() {
        return new VariantJvm(ManagementFactory.getPlatformMBeanServer(), ProcessHandle.current().pid());
    }

    boolean isThisJvm() {
        return pid == ProcessHandle.current().pid();
    }
}
