package io.trendstream.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a measured run's CPU went: the variant's threads, grouped as a Flink user would name them. */
class ThreadCpuTest {

    private static final String ORDERS = "Source: Kafka: orders -> Route dead letters: orders -> Bundle order lines per product window";
    private static final String WINDOWS = "Keep the watermark across restarts -> Window per product (1 min, each event once)";

    @Test
    void aTasksSubtasksAreOneGroupNamedByTheirChain() {
        assertThat(ThreadCpu.group(ORDERS + " (1/2)#0")).isEqualTo(ORDERS);
        assertThat(ThreadCpu.group(ORDERS + " (2/2)#3")).isEqualTo(ORDERS);
        assertThat(ThreadCpu.group(WINDOWS + " (1/2)#0")).isEqualTo(WINDOWS);
    }

    @Test
    void aSourcesSplitFetchersAreOneGroup() {
        assertThat(ThreadCpu.group("Source Data Fetcher for " + ORDERS + " (1/2)#0"))
                .isEqualTo(ThreadCpu.group("Source Data Fetcher for " + ORDERS + " (2/2)#0"))
                .isEqualTo("split fetchers of " + ORDERS);
    }

    @Test
    void otherThreadsAreGroupedByTheirNameWithoutNumbersOrClientIds() {
        assertThat(ThreadCpu.group("kafka-producer-network-thread | producer-pipeline1a2b-window-stats-1-2"))
                .isEqualTo(ThreadCpu.group("kafka-producer-network-thread | producer-pipeline9f-alerts-0-1"))
                .isEqualTo("kafka-producer-network-thread");
        assertThat(ThreadCpu.group("Flink-RocksDBStateDataTransferHelper-thread-3")).isEqualTo("Flink-RocksDBStateDataTransferHelper-thread-N");
        assertThat(ThreadCpu.group("rocksdb:high")).isEqualTo("rocksdb:high");
    }

    @Test
    void aLongChainIsCut() {
        String chain = WINDOWS + " -> (Describe late events -> Database: late_events: Writer -> Database: late_events: Committer, Detect trends (EMA))";

        assertThat(ThreadCpu.group(chain + " (1/2)#0")).hasSize(120).startsWith(WINDOWS).endsWith("…");
    }

    @Test
    void theCpuSinceAnEarlierSnapshotIsSplitByGroupAndAddsUpToTheTotal() {
        ThreadCpu first = new ThreadCpu(Map.of(1L, 100L, 2L, 50L, 3L, 10L),
                Map.of(1L, ORDERS + " (1/2)#0", 2L, ORDERS + " (2/2)#0", 3L, "rocksdb:high"));
        // thread 4 started after the first snapshot: all of its CPU is the run's
        ThreadCpu last = new ThreadCpu(Map.of(1L, 400L, 2L, 250L, 3L, 20L, 4L, 600L),
                Map.of(1L, ORDERS + " (1/2)#0", 2L, ORDERS + " (2/2)#0", 3L, "rocksdb:high", 4L, WINDOWS + " (1/2)#0"));

        Map<String, Long> groups = last.byGroupSince(first);

        assertThat(groups).containsExactly(Map.entry(WINDOWS, 600L), Map.entry(ORDERS, 500L), Map.entry("rocksdb:high", 10L));
        assertThat(groups.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(last.since(first)).isEqualTo(1_110L);
    }

    @Test
    void groupsUnderAHundredthOfACpuSecondPerMillionEventsAreReportedTogether() {
        Map<String, Double> perMillion = Measurement.perMillionEvents(
                Map.of(ORDERS, 1_500_000_000L, "rocksdb:high", 4_000_000L, "flink-pekko.actor.default-dispatcher-N", 3_000_000L),
                2_000_000L);

        assertThat(perMillion).containsExactly(Map.entry(ORDERS, 0.75), Map.entry("other threads", 0.0035));
    }

    @Test
    void theResultsSayWhereEachMeasuredRunsCpuWent() {
        VariantResult measured = TargetsTest.withCpuByThreads("pipeline", 2.0, ordered(ORDERS, 1.5, WINDOWS, 0.5));
        VariantResult complete = TargetsTest.withCpuByThreads("ceiling", 1.0, Map.of());

        assertThat(ResultsWriter.cpuByThreads(List.of(complete, measured))).isEqualTo("\nWhere the CPU went (variant threads, CPU s"
                + " per million events of the steady state, by thread group; a task's subtasks together):\n\n"
                + "* pipeline (p2, backlog, time-boxed): 2.00 = `" + ORDERS + "` 1.50 + `" + WINDOWS + "` 0.50\n");
    }

    private static Map<String, Double> ordered(String first, double firstCpu, String second, double secondCpu) {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put(first, firstCpu);
        groups.put(second, secondCpu);
        return groups;
    }
}
