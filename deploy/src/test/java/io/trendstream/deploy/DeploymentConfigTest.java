package io.trendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks docker-compose.yml, .env.example and the scripts the compose services run, without Docker. */
class DeploymentConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ONE_SHOTS = Set.of("kafka-init", "flink-init", "job-submitter");
    private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static final List<String> FLINK_PROCESSES = List.of("jobmanager", "taskmanager");
    /** Environment keys that carry credentials. */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_KEY).*");

    private static Compose compose;
    private static JsonSchema composeSchema;

    @BeforeAll
    static void load() throws IOException {
        compose = Compose.load();
        try (InputStream in = DeploymentConfigTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
            assertThat(in).as("compose-spec.json on the test classpath").isNotNull();
            // Compose durations ("10s") are Go durations, not the ISO 8601 durations the JSON Schema
            // "duration" format asserts, so format assertions are off; types and keys are still checked.
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(false).build();
            // The schema declares draft 2019-09 but labels its sub-schemas with the older "id" keyword,
            // which is only an annotation: treat it as one instead of failing on it.
            JsonMetaSchema metaSchema = JsonMetaSchema.builder(
                            "http://json-schema.org/draft/2019-09/schema#", JsonMetaSchema.getV201909())
                    .keyword(new NonValidationKeyword("id"))
                    .build();
            composeSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909, b -> b.metaSchema(metaSchema))
                    .getSchema(in, config);
        }
    }

    private static Set<ValidationMessage> validate(Compose c) {
        JsonNode node = JSON.valueToTree(c.root);
        return composeSchema.validate(node);
    }

    @Test
    void deployModuleIsPartOfTheBuild() {
        assertThat(RepoFiles.pomModules()).contains("deploy");
    }

    @Test
    void composeFileValidatesAgainstTheComposeSpecSchema() {
        assertThat(validate(compose)).isEmpty();
    }

    @Test
    void schemaValidationRejectsUnknownKeysAndWrongTypes() {
        // Proves the validator is live: a typo'd key and a non-string restart policy must be reported.
        String broken = compose.text
                .replace("\n  jobmanager:\n", "\n  jobmanager:\n    helthcheck: {}\n")
                .replace("restart: \"no\"\n    user:", "restart: 5\n    user:");
        Set<ValidationMessage> errors = validate(Compose.parse(broken));
        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("helthcheck"))
                .anyMatch(m -> m.contains("restart"));
    }

    @Test
    void everyLongRunningServiceHasAHealthcheckAndEveryOtherIsAOneShot() {
        Set<String> oneShots = compose.services().keySet().stream()
                .filter(compose::isOneShot).collect(Collectors.toCollection(TreeSet::new));
        assertThat(oneShots).containsExactlyInAnyOrderElementsOf(ONE_SHOTS);
        for (String name : compose.services().keySet()) {
            if (ONE_SHOTS.contains(name)) {
                continue;
            }
            assertThat(compose.hasHealthcheck(name)).as("%s has a healthcheck", name).isTrue();
            assertThat(compose.service(name).get("restart")).as("%s restart policy", name).isEqualTo("unless-stopped");
        }
    }

    @Test
    void dependsOnConditionsFormAValidStartOrder() {
        Map<String, Map<String, String>> graph = compose.dependencyGraph();
        List<String> order = Compose.startOrder(graph);
        assertThat(order).containsExactlyInAnyOrderElementsOf(compose.services().keySet());

        graph.forEach((service, deps) -> deps.forEach((target, condition) -> {
            switch (condition) {
                case Compose.HEALTHY -> assertThat(compose.hasHealthcheck(target))
                        .as("%s waits for %s to be healthy, so %s needs a healthcheck", service, target, target)
                        .isTrue();
                case Compose.COMPLETED -> assertThat(compose.isOneShot(target))
                        .as("%s waits for %s to complete, so %s must be a one-shot", service, target, target)
                        .isTrue();
                default -> throw new AssertionError(service + " depends on " + target + " with condition "
                        + condition + ", which does not wait for readiness");
            }
        }));

        // The ordering the stack relies on.
        for (String broker : BROKERS) {
            assertThat(compose.dependsOn("kafka-init")).containsEntry(broker, Compose.HEALTHY);
        }
        assertThat(compose.dependsOn("schema-registry")).containsEntry("kafka-init", Compose.COMPLETED);
        assertThat(compose.dependsOn("jobmanager")).containsEntry("flink-init", Compose.COMPLETED);
        assertThat(compose.dependsOn("taskmanager")).containsEntry("jobmanager", Compose.HEALTHY);
        assertThat(compose.dependsOn("grafana")).containsEntry("prometheus", Compose.HEALTHY);
        assertThat(compose.transitiveDependencies("job-submitter")).containsExactlyInAnyOrder(
                "kafka-1", "kafka-2", "kafka-3", "kafka-init", "schema-registry", "timescaledb",
                "flink-init", "jobmanager", "taskmanager");
        assertThat(order.indexOf("job-submitter")).isGreaterThan(order.indexOf("taskmanager"));
    }

    @Test
    void startOrderRejectsCyclesAndUnknownServices() {
        Map<String, Map<String, String>> cyclic = new TreeMap<>();
        cyclic.put("a", Map.of("b", Compose.HEALTHY));
        cyclic.put("b", Map.of("a", Compose.HEALTHY));
        cyclic.put("c", Map.of());
        assertThatThrownBy(() -> Compose.startOrder(cyclic))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dependency cycle among [a, b]");

        Map<String, Map<String, String>> dangling = Map.of("a", Map.of("ghost", Compose.HEALTHY));
        assertThatThrownBy(() -> Compose.startOrder(dangling))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a depends on unknown service ghost");

        Map<String, Map<String, String>> chain = new TreeMap<>();
        chain.put("a", Map.of("b", Compose.HEALTHY));
        chain.put("b", Map.of("c", Compose.COMPLETED));
        chain.put("c", Map.of());
        assertThat(Compose.startOrder(chain)).containsExactly("c", "b", "a");
    }

    @Test
    void credentialsAreOnlyVariableReferences() {
        Map<String, String> secretEntries = new TreeMap<>();
        compose.services().forEach((name, s) -> RepoFiles.environment(RepoFiles.map(s)).forEach((key, value) -> {
            if (SECRET_KEY.matcher(key).matches()) {
                secretEntries.put(name + "." + key, value);
            }
        }));
        // The test must see the credentials it guards, or it proves nothing.
        assertThat(secretEntries).containsOnlyKeys(
                "grafana.GF_SECURITY_ADMIN_PASSWORD",
                "gateway.TRENDSTREAM_GATEWAY_INGEST_API_KEY",
                "gateway.TRENDSTREAM_JDBC_PASSWORD",
                "jobmanager.TRENDSTREAM_JDBC_PASSWORD",
                "job-submitter.TRENDSTREAM_JDBC_PASSWORD",
                "taskmanager.TRENDSTREAM_JDBC_PASSWORD",
                "timescaledb.POSTGRES_PASSWORD");
        secretEntries.forEach((key, value) -> assertThat(Compose.isBareRequiredVariable(value))
                .as("%s must be a ${VAR} or ${VAR:?message} reference without default, was %s", key, value)
                .isTrue());
        // Nothing like password=... in commands, URLs or healthchecks either.
        assertThat(compose.text).doesNotContainPattern("(?i)(password|passwd|secret)\\s*=");
        assertThat(compose.text).doesNotContainPattern("(?i)://[^/\\s:@]+:[^/\\s@]+@");
    }

    @Test
    void secretRuleRejectsLiteralsAndDefaults() {
        assertThat(Compose.isBareRequiredVariable("${POSTGRES_PASSWORD}")).isTrue();
        assertThat(Compose.isBareRequiredVariable("${POSTGRES_PASSWORD:?set it}")).isTrue();
        assertThat(Compose.isBareRequiredVariable("hunter2")).isFalse();
        assertThat(Compose.isBareRequiredVariable("${POSTGRES_PASSWORD:-hunter2}")).isFalse();
        assertThat(Compose.isBareRequiredVariable("pre${POSTGRES_PASSWORD}")).isFalse();
        assertThat(Compose.isBareRequiredVariable("$${POSTGRES_PASSWORD}")).isFalse();
    }

    private static Map<String, String> envExample() {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : RepoFiles.read(".env.example").split("\n")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            assertThat(eq).as(".env.example line '%s' is KEY=VALUE", l).isPositive();
            assertThat(entries.put(l.substring(0, eq), l.substring(eq + 1)))
                    .as("duplicate .env.example key %s", l.substring(0, eq)).isNull();
        }
        return entries;
    }

    @Test
    void everyVariableHasAnEntryInEnvExampleAndNoEntryIsStale() {
        Set<String> used = compose.variables();
        assertThat(used).contains("POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD");
        assertThat(new TreeSet<>(envExample().keySet())).isEqualTo(new TreeSet<>(used));
    }

    @Test
    void envExampleHasPlaceholdersOnlyAndEnvIsIgnoredByGit() {
        envExample().forEach((key, value) -> {
            if (SECRET_KEY.matcher(key).matches()) {
                assertThat(value).as(key).isEqualTo("change-me");
            }
        });
        List<String> ignored = RepoFiles.read(".gitignore").lines().map(String::trim).toList();
        assertThat(ignored).contains(".env").doesNotContain(".env*", "*.example", ".env.example");
    }

    @Test
    void imagesArePinnedAndFlinkAndKafkaMatchThePom() {
        String kafkaImage = "apache/kafka:" + RepoFiles.pomProperty("kafka.version");
        Map<String, String> images = new TreeMap<>();
        compose.services().forEach((name, s) -> images.put(name, String.valueOf(RepoFiles.map(s).get("image"))));

        assertThat(images.entrySet().stream().filter(e -> e.getValue().contains("flink:")).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("flink-init", "jobmanager", "taskmanager", "job-submitter");
        assertThat(images.entrySet().stream().filter(e -> e.getValue().contains("/kafka:")).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("kafka-1", "kafka-2", "kafka-3", "kafka-init");
        images.forEach((name, image) -> {
            if (image.contains("flink:")) {
                assertThat(image).as(name).isEqualTo(FLINK_IMAGE);
                assertThat(RepoFiles.map(RepoFiles.map(compose.service(name)).get("build")).get("context")).as(name)
                        .isEqualTo("./docker/flink");
            }
            if (image.contains("/kafka:")) {
                assertThat(image).as(name).isEqualTo(kafkaImage);
            }
            String tag = image.substring(image.lastIndexOf('/') + 1);
            assertThat(tag).as("%s image %s has an explicit tag", name, image).contains(":");
            assertThat(tag.substring(tag.indexOf(':') + 1)).as("%s image tag", name)
                    .isNotEqualTo("latest").matches(".*\\d.*");
        });
        assertThat(images.get("schema-registry")).startsWith("confluentinc/cp-schema-registry:");
        assertThat(images.get("timescaledb")).startsWith("timescale/timescaledb:").endsWith("-pg16");
        assertThat(images.get("kafka-ui")).matches("(ghcr\\.io/kafbat|kafbat|provectuslabs)/kafka-ui:v[0-9.]+");
    }

    /** The image docker/flink/Dockerfile builds: the official Flink image of the pom's versions, plus the driver. */
    private static final String FLINK_IMAGE = "trendstream/flink:" + RepoFiles.pomProperty("flink.version") + "-java"
            + RepoFiles.pomProperty("maven.compiler.release") + "-postgresql-" + RepoFiles.pomProperty("postgresql.version");

    /**
     * The local cluster has the PostgreSQL driver in lib/, loaded parent-first, so that no job's class loader stays
     * pinned by DriverManager (ClassLoaderReleaseITCase); the compose file's image must have it there too, the
     * pom's version, verified by its checksum.
     */
    @Test
    void theFlinkImageHasThePostgresDriverInLibAsTheLocalClusterHas() throws Exception {
        String dockerfile = RepoFiles.read("docker/flink/Dockerfile");
        String driverVersion = RepoFiles.pomProperty("postgresql.version");
        Path driverJar = Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(driverJar)));

        assertThat(driverJar.getFileName().toString()).as("the pom's driver on this classpath")
                .isEqualTo("postgresql-" + driverVersion + ".jar");
        assertThat(dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList()).containsExactly(
                "FROM flink:" + RepoFiles.pomProperty("flink.version") + "-java" + RepoFiles.pomProperty("maven.compiler.release"));
        assertThat(dockerfile).contains("ARG POSTGRESQL_VERSION=" + driverVersion + "\n", "ARG POSTGRESQL_SHA256=" + sha256 + "\n",
                "jar=\"/opt/flink/lib/postgresql-${POSTGRESQL_VERSION}.jar\"", "sha256sum -c");
        assertThat(RepoFiles.read("flink-conf/config.yaml")).contains("classloader.parent-first-patterns.additional: org.postgresql.");
    }

    @Test
    void kafkaIsAThreeNodeKraftClusterWithReplicationFactorThreeAndMinIsrTwo() {
        Set<String> clusterIds = new TreeSet<>();
        Set<String> nodeIds = new TreeSet<>();
        for (String broker : BROKERS) {
            Map<String, String> env = RepoFiles.environment(compose.service(broker));
            assertThat(env).as(broker)
                    .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                    .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
                    .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                    .containsEntry("KAFKA_LOG_DIRS", "/var/lib/kafka/data");
            String id = env.get("KAFKA_NODE_ID");
            assertThat(broker).isEqualTo("kafka-" + id);
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).startsWith("INTERNAL://" + broker + ":19092,");
            nodeIds.add(id);
            clusterIds.add(env.get("CLUSTER_ID"));
            assertThat(RepoFiles.list(compose.service(broker).get("volumes")))
                    .containsExactly(broker + "-data:/var/lib/kafka/data");
        }
        assertThat(nodeIds).containsExactly("1", "2", "3");
        assertThat(clusterIds).hasSize(1);
        assertThat(clusterIds.iterator().next()).matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void topicInitScriptCreatesEveryTopicReplicatedThreeTimes() {
        Map<String, Object> init = compose.service("kafka-init");
        assertThat(RepoFiles.list(init.get("entrypoint"))).containsExactly("/bin/bash", "/opt/trendstream/create-topics.sh");
        assertThat(RepoFiles.list(init.get("volumes")))
                .containsExactly("./docker/kafka/create-topics.sh:/opt/trendstream/create-topics.sh:ro");

        String script = RepoFiles.read("docker/kafka/create-topics.sh");
        Map<String, Integer> partitions = new TreeMap<>();
        Map<String, String> extra = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^create_topic (\\S+) (\\d+)(.*)$").matcher(script);
        while (m.find()) {
            partitions.put(m.group(1), Integer.parseInt(m.group(2)));
            extra.put(m.group(1), m.group(3));
        }
        assertThat(partitions).containsOnlyKeys("orders", "product-views", "products", "trend-alerts", "window-stats",
                "dead-letters", "_schemas");
        // The job refuses a catalog topic that is not compacted; window-stats keeps each product window's latest row.
        assertThat(extra.get("products")).contains("cleanup.policy=compact");
        assertThat(extra.get("window-stats")).contains("cleanup.policy=compact");
        assertThat(partitions).allSatisfy((topic, n) -> assertThat(n).as(topic).isPositive());
        // The registry refuses a _schemas topic that is not single-partition and compacted.
        assertThat(partitions.get("_schemas")).isEqualTo(1);
        assertThat(extra.get("_schemas")).contains("cleanup.policy=compact");
        assertThat(script).contains("--replication-factor 3", "min.insync.replicas=2", "--if-not-exists", "set -euo pipefail");
        assertThat(RepoFiles.environment(compose.service("schema-registry")))
                .containsEntry("SCHEMA_REGISTRY_KAFKASTORE_TOPIC", "_schemas")
                .containsEntry("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", "3");
    }

    /** host port -> service, from "addr:host:container" / "host:container" entries. */
    private static Map<String, String> publishedHostPorts() {
        Map<String, String> hostPorts = new TreeMap<>();
        compose.services().forEach((name, s) -> {
            for (Object p : RepoFiles.list(RepoFiles.map(s).get("ports"))) {
                String spec = String.valueOf(p).replaceAll("\\$\\{[^}]*}", "ADDR");
                String[] parts = spec.split(":");
                assertThat(parts).as("%s port %s publishes host:container", name, p).hasSizeGreaterThanOrEqualTo(2);
                String host = parts[parts.length - 2];
                assertThat(hostPorts.put(host, name)).as("host port %s published twice", host).isNull();
            }
        });
        return hostPorts;
    }

    @Test
    void hostPortsAreDistinctAndTheRegistryIsOn8085() {
        assertThat(publishedHostPorts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "29092", "kafka-1", "39092", "kafka-2", "49092", "kafka-3",
                "8085", "schema-registry", "5432", "timescaledb", "8081", "jobmanager",
                "8080", "kafka-ui", "9090", "prometheus", "3000", "grafana", "8090", "gateway"));
        assertThat(RepoFiles.list(compose.service("schema-registry").get("ports")))
                .containsExactly("${TRENDSTREAM_BIND_ADDRESS:-127.0.0.1}:8085:8085");
        assertThat(RepoFiles.environment(compose.service("schema-registry")))
                .containsEntry("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8085");
    }

    @Test
    void timescaleDbAllowsPreparedTransactionsAndRunsTheSqlScripts() {
        Map<String, Object> db = compose.service("timescaledb");
        List<Object> command = RepoFiles.list(db.get("command"));
        assertThat(command).first().isEqualTo("postgres");
        assertThat(command).containsSubsequence("-c", "max_prepared_transactions=64");
        assertThat(RepoFiles.list(db.get("volumes"))).containsExactly(
                "./sql:/docker-entrypoint-initdb.d:ro", "timescaledb-data:/var/lib/postgresql/data");
        assertThat(RepoFiles.map(compose.root.get("volumes"))).containsKey("timescaledb-data");
    }

    @Test
    void flinkProcessesShareConfigCheckpointsAndSavepoints() {
        for (String name : FLINK_PROCESSES) {
            Map<String, Object> s = compose.service(name);
            String confDir = RepoFiles.environment(s).get("FLINK_CONF_DIR");
            assertThat(confDir).as(name).isEqualTo("/opt/flink/trendstream-conf");
            assertThat(RepoFiles.list(s.get("volumes"))).as(name).containsExactlyInAnyOrder(
                    "./flink-conf:" + confDir + ":ro",
                    "flink-checkpoints:/opt/flink/checkpoints",
                    "./savepoints:/opt/flink/savepoints");
        }
        assertThat(RepoFiles.list(compose.service("jobmanager").get("command"))).containsExactly("jobmanager");
        assertThat(RepoFiles.list(compose.service("taskmanager").get("command"))).containsExactly("taskmanager");
        // The directories in flink-conf/config.yaml are the mount points above.
        Map<String, Object> flinkConf = RepoFiles.yaml("flink-conf/config.yaml");
        assertThat(flinkConf.get("execution.checkpointing.dir")).isEqualTo("file:///opt/flink/checkpoints");
        assertThat(flinkConf.get("execution.checkpointing.savepoint-dir")).isEqualTo("file:///opt/flink/savepoints");
        // flink-init makes the fresh volumes writable for the image's uid 9999.
        assertThat(RepoFiles.list(compose.service("flink-init").get("volumes"))).containsExactlyInAnyOrder(
                "flink-checkpoints:/opt/flink/checkpoints", "./savepoints:/opt/flink/savepoints");
        assertThat(String.valueOf(RepoFiles.list(compose.service("flink-init").get("command"))))
                .contains("chown -R 9999:9999 /opt/flink/checkpoints");
    }

    @Test
    void taskManagerCanBeScaled() {
        Map<String, Object> tm = compose.service("taskmanager");
        assertThat(tm).doesNotContainKeys("container_name", "ports", "hostname");
        assertThat(RepoFiles.map(tm.get("deploy"))).containsEntry("replicas", 2);
        compose.services().forEach((name, s) ->
                assertThat(RepoFiles.map(s)).as(name).doesNotContainKey("container_name"));
    }

    @Test
    void jobSubmitterHandsTheJobItsSettings() {
        Map<String, Object> submitter = compose.service("job-submitter");
        Map<String, String> env = RepoFiles.environment(submitter);
        assertThat(env).containsEntry("TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:19092,kafka-2:19092,kafka-3:19092")
                .containsEntry("TRENDSTREAM_SCHEMA_REGISTRY_URL", "http://schema-registry:8085")
                .containsEntry("TRENDSTREAM_JDBC_USER", "${POSTGRES_USER:?set POSTGRES_USER in .env}")
                .containsEntry("TRENDSTREAM_JDBC_PASSWORD", "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}");
        assertThat(env.get("TRENDSTREAM_JDBC_URL")).startsWith("jdbc:postgresql://timescaledb:5432/${POSTGRES_DB");
        assertThat(RepoFiles.list(submitter.get("volumes")))
                .contains("./jobs/target/trendstream-job.jar:/opt/flink/usrlib/trendstream-job.jar:ro",
                        "./docker/flink/submit-job.sh:/opt/trendstream/submit-job.sh:ro");
        assertThat(RepoFiles.list(submitter.get("entrypoint"))).containsExactly("/bin/bash", "/opt/trendstream/submit-job.sh");

        String script = RepoFiles.read("docker/flink/submit-job.sh");
        assertThat(script).contains("MAIN_CLASS=io.trendstream.jobs.TrendPipelineJob",
                "JAR=/opt/flink/usrlib/trendstream-job.jar",
                "exec flink run \"${run_args[@]}\" \"$JAR\"",
                "--kafka.bootstrap-servers \"${TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS:?}\"",
                "--schema-registry.url \"${TRENDSTREAM_SCHEMA_REGISTRY_URL:?}\"",
                "--jdbc.url \"${TRENDSTREAM_JDBC_URL:?}\"");
        // Credentials reach the job through the environment only, never the command line.
        assertThat(script).doesNotContainPattern("\\$\\{?TRENDSTREAM_JDBC_(USER|PASSWORD)");
        assertThat(script).contains("run_args=(-d -c \"$MAIN_CLASS\")");
    }

    @Test
    void bindMountSourcesExist() {
        // Build output and another team's directory appear only after `mvn package` / the merge.
        Set<String> producedElsewhere = Set.of("./jobs/target/trendstream-job.jar", "./sql");
        List<String> missing = new ArrayList<>();
        compose.services().forEach((name, s) -> {
            for (Object v : RepoFiles.list(RepoFiles.map(s).get("volumes"))) {
                String source = String.valueOf(v).split(":")[0];
                if (source.startsWith("./") && !producedElsewhere.contains(source)
                        && !Files.exists(RepoFiles.path(source.substring(2)))) {
                    missing.add(name + ": " + source);
                }
            }
        });
        assertThat(missing).isEmpty();
    }

    @Test
    void shellScriptsParse() throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(RepoFiles.path("docker"))) {
            scripts = files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
        }
        assertThat(scripts).extracting(p -> RepoFiles.root().relativize(p).toString())
                .containsExactly("docker/flink/submit-job.sh", "docker/kafka/create-topics.sh");
        for (Path script : scripts) {
            assertThat(Files.readString(script)).startsWith("#!/bin/bash\n");
            RepoFiles.ProcessResult result = RepoFiles.run(List.of("bash", "-n", script.toString()));
            assertThat(result.exitCode()).as("bash -n %s: %s", script, result.output()).isZero();
        }
    }
}
