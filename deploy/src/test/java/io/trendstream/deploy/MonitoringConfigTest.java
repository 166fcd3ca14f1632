package io.trendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.metrics.PipelineMetrics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Checks prometheus.yml, the Grafana provisioning and the dashboard against compose and the job's metric names. */
class MonitoringConfigTest {

    private static final String DASHBOARD = "monitoring/grafana/dashboards/trendstream.json";
    private static final String PROMETHEUS = "monitoring/prometheus/prometheus.yml";
    /** How the Prometheus reporter names a metric of an operator's user group. */
    private static final String USER_METRIC_PREFIX = "flink_taskmanager_job_task_operator_" + PipelineMetrics.GROUP + "_";
    /** Any reference to a job metric, whatever scope prefix it was written with. */
    private static final Pattern JOB_METRIC_REFERENCE =
            Pattern.compile("([A-Za-z0-9_]*?)" + PipelineMetrics.GROUP + "_([A-Za-z0-9_]+)");

    /** PipelineMetrics metric-name constants (field name -> value): every String constant but GROUP and *_LABEL. */
    static Map<String, String> pipelineMetricNames() throws IllegalAccessException {
        Map<String, String> names = new TreeMap<>();
        for (Field f : PipelineMetrics.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && f.getType() == String.class
                    && !f.getName().equals("GROUP") && !f.getName().endsWith("_LABEL")) {
                names.put(f.getName(), (String) f.get(null));
            }
        }
        return names;
    }

    private static List<String> dashboardExpressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
        return exprs;
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(RepoFiles.read(DASHBOARD));
    }

    @Test
    void pipelineMetricsAreReadByReflection() throws IllegalAccessException {
        // Guards the reflection itself: if it found nothing, the dashboard checks below would pass vacuously.
        assertThat(pipelineMetricNames()).containsOnlyKeys(
                "EVENTS_IN", "DEAD_LETTERS", "LATE_EVENTS", "DUPLICATES_DROPPED", "ALERTS",
                "WATERMARK_LAG_MS", "SINK_COMMIT_LATENCY_MS", "SINK_ROWS_DEFERRED", "UNKNOWN_PRODUCTS");
    }

    @Test
    void dashboardUsesExactlyThePipelineMetrics() throws Exception {
        Set<String> expected = new TreeSet<>(pipelineMetricNames().values());
        Set<String> referenced = new TreeSet<>();
        List<String> badPrefixes = new ArrayList<>();
        for (String expr : dashboardExpressions(dashboard())) {
            Matcher m = JOB_METRIC_REFERENCE.matcher(expr);
            while (m.find()) {
                if (!(m.group(1) + PipelineMetrics.GROUP + "_").equals(USER_METRIC_PREFIX)) {
                    badPrefixes.add(m.group());
                }
                referenced.add(m.group(2));
            }
        }
        assertThat(badPrefixes).as("job metrics must be scoped %s", USER_METRIC_PREFIX).isEmpty();
        assertThat(referenced).isEqualTo(expected);
    }

    @Test
    void labelledMetricsAreBrokenDownByTheirLabel() throws Exception {
        // Metric constant -> its label constant, as documented in PipelineMetrics.
        Map<String, String> labelOf = Map.of(
                PipelineMetrics.EVENTS_IN, PipelineMetrics.SOURCE_LABEL,
                PipelineMetrics.DUPLICATES_DROPPED, PipelineMetrics.SOURCE_LABEL,
                PipelineMetrics.DEAD_LETTERS, PipelineMetrics.REASON_LABEL,
                PipelineMetrics.ALERTS, PipelineMetrics.SEVERITY_LABEL,
                PipelineMetrics.SINK_COMMIT_LATENCY_MS, PipelineMetrics.SINK_LABEL,
                PipelineMetrics.UNKNOWN_PRODUCTS, PipelineMetrics.OUTPUT_LABEL,
                PipelineMetrics.SINK_ROWS_DEFERRED, PipelineMetrics.SINK_LABEL);
        List<String> exprs = dashboardExpressions(dashboard());
        labelOf.forEach((metric, label) -> {
            List<String> using = exprs.stream().filter(e -> e.contains(USER_METRIC_PREFIX + metric + "[")
                    || e.contains(USER_METRIC_PREFIX + metric + ")") || e.contains(USER_METRIC_PREFIX + metric + "{")).toList();
            assertThat(using).as(metric).isNotEmpty()
                    .allSatisfy(e -> assertThat(e).contains("by (" + label + ")"));
        });
    }

    @Test
    void dashboardShowsTheFlinkBuiltInMetrics() throws Exception {
        String all = String.join("\n", dashboardExpressions(dashboard()));
        assertThat(all).contains(
                "flink_taskmanager_job_task_operator_numRecordsInPerSecond",
                "flink_taskmanager_job_task_operator_pendingRecords",
                "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
                "flink_jobmanager_job_lastCheckpointDuration",
                "flink_jobmanager_job_lastCheckpointSize");
    }

    @Test
    void dashboardIsWellFormedAndUsesTheProvisionedDatasource() throws Exception {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("uid").asText()).isEqualTo("trendstream-pipeline");
        assertThat(dashboard.path("title").asText()).isEqualTo("TrendStream pipeline");
        Map<String, Object> ds = RepoFiles.map(RepoFiles.list(
                RepoFiles.yaml("monitoring/grafana/provisioning/datasources/prometheus.yml").get("datasources")).get(0));
        assertThat(ds).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
        String uid = String.valueOf(ds.get("uid"));

        Set<Integer> ids = new HashSet<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id %s", panel.path("id")).isTrue();
            titles.add(panel.path("title").asText());
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo(uid);
            assertThat(panel.path("gridPos").path("w").asInt()).isBetween(1, 24);
            assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).isNotBlank();
                assertThat(refIds.add(target.path("refId").asText())).isTrue();
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo(uid);
            }
        }
        assertThat(titles).containsExactly(
                "Input rate per source", "Records in per operator (Flink)", "Kafka consumer lag",
                "Checkpoint duration", "Checkpoint size", "Dead letters by reason", "Late events",
                "Duplicates dropped by source", "Alerts raised by severity", "Sink commit latency", "Watermark lag",
                "Unknown products", "Sink rows deferred to the next checkpoint",
                "Gateway requests by route and status", "Gateway latency p99", "Gateway Kafka transactions",
                "Gateway events and live connections");
    }

    @Test
    void grafanaProvisioningMatchesTheComposeMounts() {
        Compose compose = Compose.load();
        assertThat(RepoFiles.list(compose.service("grafana").get("volumes"))).contains(
                "./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./monitoring/grafana/dashboards:/etc/grafana/dashboards:ro");
        Map<String, Object> provider = RepoFiles.map(RepoFiles.list(
                RepoFiles.yaml("monitoring/grafana/provisioning/dashboards/trendstream.yml").get("providers")).get(0));
        assertThat(provider).containsEntry("type", "file");
        assertThat(RepoFiles.map(provider.get("options"))).containsEntry("path", "/etc/grafana/dashboards");
    }

    @Test
    void prometheusScrapesFlinkServicesOnTheReporterPort() {
        Compose compose = Compose.load();
        Set<String> services = compose.services().keySet();
        String portRange = String.valueOf(RepoFiles.yaml("flink-conf/config.yaml").get("metrics.reporter.prom.port"));
        int reporterPort = Integer.parseInt(portRange.split("-")[0]);

        Map<String, Object> prom = RepoFiles.yaml(PROMETHEUS);
        Set<String> scrapedHosts = new TreeSet<>();
        for (Object job : RepoFiles.list(prom.get("scrape_configs"))) {
            Map<String, Object> j = RepoFiles.map(job);
            for (Object sc : RepoFiles.list(j.get("static_configs"))) {
                for (Object target : RepoFiles.list(RepoFiles.map(sc).get("targets"))) {
                    String[] hostPort = String.valueOf(target).split(":");
                    if (hostPort[0].equals("localhost")) {
                        continue; // Prometheus scraping itself
                    }
                    if (hostPort[0].equals("gateway")) {
                        // The gateway serves /metrics on its HTTP port, the one compose publishes.
                        assertThat(RepoFiles.list(compose.service("gateway").get("ports")).toString())
                                .contains(":" + hostPort[1] + ":" + hostPort[1]);
                        continue;
                    }
                    assertThat(services).as("target %s", target).contains(hostPort[0]);
                    assertThat(Integer.parseInt(hostPort[1])).as("target %s", target).isEqualTo(reporterPort);
                    scrapedHosts.add(hostPort[0]);
                }
            }
            for (Object sd : RepoFiles.list(j.get("dns_sd_configs"))) {
                Map<String, Object> d = RepoFiles.map(sd);
                assertThat(d.get("port")).isEqualTo(reporterPort);
                for (Object name : RepoFiles.list(d.get("names"))) {
                    assertThat(services).as("DNS name %s", name).contains(String.valueOf(name));
                    scrapedHosts.add(String.valueOf(name));
                }
            }
        }
        assertThat(scrapedHosts).containsExactly("jobmanager", "taskmanager");
        // The TaskManager is healthy once that same endpoint answers.
        assertThat(String.valueOf(compose.service("taskmanager").get("healthcheck")))
                .contains("http://127.0.0.1:" + reporterPort + "/metrics");
        assertThat(RepoFiles.list(compose.service("prometheus").get("volumes")))
                .contains("./" + PROMETHEUS + ":/etc/prometheus/prometheus.yml:ro");
    }

    @Test
    void promtoolAcceptsPrometheusYml() {
        Optional<Path> promtool = RepoFiles.onPath("promtool");
        if (RepoFiles.inCi()) {
            assertThat(promtool).as("CI installs promtool (Debian package prometheus)").isPresent();
        }
        assumeTrue(promtool.isPresent(), "promtool not installed (apt-get install -y prometheus)");
        RepoFiles.ProcessResult result = RepoFiles.run(List.of(promtool.get().toString(), "check", "config", PROMETHEUS));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }
}
