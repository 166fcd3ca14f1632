package io.trendstream.config;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.trendstream.config.PipelineOptions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Settings resolve from program arguments, then the environment (TRENDSTREAM_...), then the Flink
 * configuration (trendstream.key), then the default; they are validated as a whole, and errors name
 * the setting and where its value came from.
 */
class PipelineConfigTest {

    private static final String[] REQUIRED_ARGS = {
            "--kafka.bootstrap-servers", "kafka:9092",
            "--schema-registry.url", "http://registry:8081",
            "--jdbc.url", "jdbc:postgresql://db:5432/trends"};

    private static String[] args(String... extra) {
        List<String> all = new ArrayList<>(Arrays.asList(REQUIRED_ARGS));
        all.addAll(Arrays.asList(extra));
        return all.toArray(String[]::new);
    }

    private static PipelineConfig resolve(String[] args, Map<String, String> env, Map<String, String> flink) {
        return PipelineConfig.resolve(args, env, Configuration.fromMap(flink));
    }

    private static PipelineConfig resolve(String... extraArgs) {
        return resolve(args(extraArgs), Map.of(), Map.of());
    }

    private static IllegalConfigurationException failure(String[] args, Map<String, String> env, Map<String, String> flink) {
        try {
            resolve(args, env, flink);
        } catch (IllegalConfigurationException e) {
            return e;
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    // ------------------------------------------------------------------ defaults

    @Test
    void usesTheDocumentedDefaults() {
        PipelineConfig config = resolve();

        assertThat(config.get(ORDERS_TOPIC)).isEqualTo("orders");
        assertThat(config.get(VIEWS_TOPIC)).isEqualTo("product-views");
        assertThat(config.get(ALERTS_TOPIC)).isEqualTo("trend-alerts");
        assertThat(config.get(DEAD_LETTER_TOPIC)).isEqualTo("dead-letters");
        assertThat(config.get(CONSUMER_GROUP)).isEqualTo("trendstream");
        assertThat(config.get(OFFSET_RESET)).isEqualTo(OffsetReset.EARLIEST);
        assertThat(config.get(KAFKA_TRANSACTION_TIMEOUT)).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.get(JDBC_USER)).isEqualTo("trendstream");
        assertThat(config.get(JDBC_PASSWORD)).isNull();
        assertThat(config.get(JDBC_BATCH_SIZE)).isEqualTo(1000);
        assertThat(config.get(JDBC_LOCK_TIMEOUT)).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.get(MAX_FUTURE_SKEW)).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.get(CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.get(ROCKSDB_STATE)).isTrue();
        assertThat(config.get(RESTART_ATTEMPTS)).as("restarts are unlimited unless limited").isNull();
        assertThat(config.get(RESTART_MAX_DELAY)).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.get(JOB_NAME)).isEqualTo("TrendStream pipeline");
    }

    @Test
    void defaultTrendAndWindowSettings() {
        PipelineConfig config = resolve();

        assertThat(config.trendSettings()).isEqualTo(new TrendSettings(0.3, 3, 1.5, 2.0)).isEqualTo(TrendSettings.defaults());
        assertThat(config.windowSettings()).isEqualTo(new WindowSettings(
                Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofMinutes(1)));
        assertThat(config.windowMemory()).isEqualTo(new WindowMemory(100_000, 50_000, 500_000, 100_000))
                .isEqualTo(WindowMemory.defaults());
        assertThat(config.watermarkAlignment())
                .isEqualTo(new WatermarkAlignment(Duration.ofMinutes(10), Duration.ofMillis(100)))
                .isEqualTo(WatermarkAlignment.defaults());
    }

    @Test
    void namesEnvironmentVariablesAfterTheKeyInUpperCaseWithUnderscores() {
        assertThat(ResolvedSettings.environmentVariable(KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(ResolvedSettings.environmentVariable(SCHEMA_REGISTRY_USER_INFO))
                .isEqualTo("TRENDSTREAM_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO");
        assertThat(ResolvedSettings.environmentVariable(EMA_ALPHA)).isEqualTo("TRENDSTREAM_TREND_EMA_ALPHA");
    }

    @Test
    void everySettingHasItsOwnEnvironmentVariable() {
        assertThat(PipelineOptions.all().stream().map(ResolvedSettings::environmentVariable)).doesNotHaveDuplicates();
    }

    @Test
    void readsEnumSettingsCaseInsensitively() {
        assertThat(resolve("--kafka.offset-reset", "latest").get(OFFSET_RESET)).isEqualTo(OffsetReset.LATEST);
    }

    @Test
    void aRepeatedProgramArgumentTakesItsLastValue() {
        assertThat(resolve("--job.name", "first", "--job.name", "second").get(JOB_NAME)).isEqualTo("second");
    }

    // ------------------------------------------------------------------ precedence

    @Test
    void aProgramArgumentWinsOverEnvironmentAndFlinkConfiguration() {
        PipelineConfig config = resolve(args("--window.size", "1 min"),
                Map.of("TRENDSTREAM_WINDOW_SIZE", "2 min"), Map.of("trendstream.window.size", "3 min"));

        assertThat(config.get(WINDOW_SIZE)).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.toString()).contains("window.size = PT1M  [program argument --window.size]");
    }

    @Test
    void theEnvironmentWinsOverTheFlinkConfiguration() {
        PipelineConfig config = resolve(args(),
                Map.of("TRENDSTREAM_WINDOW_SIZE", "2 min"), Map.of("trendstream.window.size", "3 min"));

        assertThat(config.get(WINDOW_SIZE)).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.toString()).contains("window.size = PT2M  [environment variable TRENDSTREAM_WINDOW_SIZE]");
    }

    @Test
    void theFlinkConfigurationWinsOverTheDefault() {
        PipelineConfig config = resolve(args(), Map.of(), Map.of("trendstream.window.size", "3 min"));

        assertThat(config.get(WINDOW_SIZE)).isEqualTo(Duration.ofMinutes(3));
        assertThat(config.toString()).contains("window.size = PT3M  [Flink configuration trendstream.window.size]");
    }

    @Test
    void theDefaultAppliesWhenNothingSetsIt() {
        PipelineConfig config = resolve();

        assertThat(config.get(WINDOW_SIZE)).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.toString()).contains("window.size = PT5M  [default]");
    }

    @Test
    void requiredSettingsMayComeFromTheEnvironmentOrTheFlinkConfiguration() {
        PipelineConfig config = resolve(new String[0],
                Map.of("TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092",
                        "TRENDSTREAM_SCHEMA_REGISTRY_URL", "https://registry:8081"),
                Map.of("trendstream.jdbc.url", "jdbc:postgresql://db/trends"));

        assertThat(config.get(KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("k1:9092,k2:9092");
        assertThat(config.get(SCHEMA_REGISTRY_URL)).isEqualTo("https://registry:8081");
        assertThat(config.get(JDBC_URL)).isEqualTo("jdbc:postgresql://db/trends");
    }

    @Test
    void aBlankEnvironmentVariableDoesNotCount() {
        PipelineConfig config = resolve(args(),
                Map.of("TRENDSTREAM_TREND_EMA_ALPHA", "  "), Map.of("trendstream.trend.ema-alpha", "0.5"));

        assertThat(config.get(EMA_ALPHA)).isEqualTo(0.5);
    }

    @Test
    void flinkConfigurationKeysNeedThePrefix() {
        PipelineConfig config = resolve(args(), Map.of(), Map.of("window.size", "3 min"));

        assertThat(config.get(WINDOW_SIZE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void acceptsProgramArgumentsWithAnEqualsSign() {
        PipelineConfig config = resolve("--trend.warm-up-windows=7", "--job.name=a=b");

        assertThat(config.get(WARM_UP_WINDOWS)).isEqualTo(7);
        assertThat(config.get(JOB_NAME)).isEqualTo("a=b");
    }

    @Test
    void typedViewsReflectTheResolvedValues() {
        PipelineConfig config = resolve("--trend.ema-alpha", "0.5", "--trend.warm-up-windows", "0",
                "--trend.medium-ratio", "1.2", "--trend.high-ratio", "1.2",
                "--window.size", "30 s", "--window.allowed-lateness", "0 s",
                "--watermark.out-of-orderness", "1 s", "--watermark.idleness", "10 s",
                "--window.bundle-size", "10", "--window.fold-after", "0", "--window.held-activities", "5000000",
                "--window.held-windows", "7",
                "--watermark.alignment.max-drift", "0 s", "--watermark.alignment.update-interval", "1 s");

        assertThat(config.trendSettings()).isEqualTo(new TrendSettings(0.5, 0, 1.2, 1.2));
        assertThat(config.windowSettings()).isEqualTo(new WindowSettings(
                Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThat(config.windowMemory()).isEqualTo(new WindowMemory(10, 0, 5_000_000, 7));
        assertThat(config.watermarkAlignment()).isEqualTo(new WatermarkAlignment(Duration.ZERO, Duration.ofSeconds(1)))
                .satisfies(alignment -> assertThat(alignment.enabled()).isFalse());
    }

    @Test
    void refusesANegativeAlignmentDriftAndAnUpdateIntervalOfZero() {
        assertThatThrownBy(() -> resolve("--watermark.alignment.max-drift", "PT-1S"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Invalid setting 'watermark.alignment.max-drift' = 'PT-1S' from program argument "
                        + "--watermark.alignment.max-drift: ")
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> resolve("--watermark.alignment.update-interval", "0 ms"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Invalid setting 'watermark.alignment.update-interval' = '0 ms'");
    }

    @Test
    void refusesAWindowStageThatMayHoldNothingOnTheHeap() {
        assertThatThrownBy(() -> resolve("--window.held-activities", "0"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Invalid setting 'window.held-activities' = '0' from program argument --window.held-activities: "
                        + "must be positive.");
        assertThatThrownBy(() -> resolve("--window.held-windows", "0"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Invalid setting 'window.held-windows' = '0'");
        assertThatThrownBy(() -> resolve("--window.fold-after", "-1"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Invalid setting 'window.fold-after' = '-1'");
    }

    // ------------------------------------------------------------------ missing and invalid

    @Test
    void aMissingRequiredSettingNamesTheSettingAndHowToSetIt() {
        IllegalConfigurationException e = failure(new String[] {
                "--kafka.bootstrap-servers", "kafka:9092", "--schema-registry.url", "http://registry:8081"},
                Map.of(), Map.of());

        assertThat(e).hasMessageStartingWith("Missing required setting 'jdbc.url': set --jdbc.url, the environment variable "
                + "TRENDSTREAM_JDBC_URL, or trendstream.jdbc.url in the Flink configuration.");
    }

    @Test
    void aBlankRequiredSettingIsMissing() {
        IllegalConfigurationException e = failure(new String[] {
                "--kafka.bootstrap-servers", " ", "--schema-registry.url", "http://registry:8081",
                "--jdbc.url", "jdbc:postgresql://db/trends"}, Map.of(), Map.of());

        assertThat(e).hasMessageContaining("Missing required setting 'kafka.bootstrap-servers'")
                .hasMessageContaining("TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void anOutOfRangeValueNamesTheSettingItsValueAndItsOrigin() {
        IllegalConfigurationException e = failure(args(), Map.of("TRENDSTREAM_TREND_EMA_ALPHA", "1.5"), Map.of());

        assertThat(e).hasMessage("Invalid setting 'trend.ema-alpha' = '1.5' from environment variable "
                + "TRENDSTREAM_TREND_EMA_ALPHA: must be in (0, 1].");
    }

    @Test
    void acceptsAnAlphaOfExactlyOne() {
        assertThat(resolve("--trend.ema-alpha", "1").get(EMA_ALPHA)).isEqualTo(1.0);
    }

    @Test
    void refusesZeroRestartAttemptsBeforeSubmissionRatherThanFlinkAfter() {
        assertThatThrownBy(() -> resolve("--restart.attempts", "0"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Invalid setting 'restart.attempts' = '0' from program argument --restart.attempts: "
                        + "must be 1 or more (Flink refuses a restart strategy without attempts), or unset (never give up).");
    }

    @Test
    void refusesAnAlphaOfZero() {
        assertThatThrownBy(() -> resolve("--trend.ema-alpha", "0"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Invalid setting 'trend.ema-alpha' = '0' from program argument --trend.ema-alpha: must be in (0, 1].");
    }

    @Test
    void anUnparsableValueNamesTheSettingItsOriginAndTheExpectedType() {
        IllegalConfigurationException e = failure(args("--window.size", "abc"), Map.of(), Map.of());

        assertThat(e).hasMessageStartingWith("Invalid setting 'window.size' = 'abc' from program argument --window.size: "
                + "cannot be parsed as a duration (e.g. 30 s, 5 min)");
    }

    @Test
    void anUnparsableValueFromTheFlinkConfigurationNamesThatOrigin() {
        IllegalConfigurationException e = failure(args(), Map.of(), Map.of("trendstream.trend.warm-up-windows", "many"));

        assertThat(e).hasMessageStartingWith("Invalid setting 'trend.warm-up-windows' = 'many' from Flink configuration "
                + "trendstream.trend.warm-up-windows: cannot be parsed as integer");
    }

    @Test
    void aHighRatioBelowTheMediumRatioIsRefused() {
        IllegalConfigurationException e = failure(args("--trend.medium-ratio", "3", "--trend.high-ratio", "2.5"), Map.of(), Map.of());

        assertThat(e).hasMessage("Invalid setting 'trend.high-ratio' = '2.5' from program argument --trend.high-ratio: "
                + "must be at least trend.medium-ratio (3.0).");
    }

    @Test
    void aDefaultHighRatioBelowAConfiguredMediumRatioShowsTheDefaultValue() {
        IllegalConfigurationException e = failure(args("--trend.medium-ratio", "3"), Map.of(), Map.of());

        assertThat(e).hasMessage("Invalid setting 'trend.high-ratio' = '2.0' from default: "
                + "must be at least trend.medium-ratio (3.0).");
    }

    @Test
    void aMediumRatioOfOneOrLessIsRefused() {
        assertThatThrownBy(() -> resolve("--trend.medium-ratio", "1"))
                .hasMessageStartingWith("Invalid setting 'trend.medium-ratio' = '1' from program argument --trend.medium-ratio: "
                        + "must be greater than 1");
    }

    @Test
    void aTransactionTimeoutNotLongerThanTheCheckpointIntervalIsRefused() {
        assertThatThrownBy(() -> resolve("--checkpoint.interval", "1 min", "--kafka.transaction-timeout", "1 min"))
                .hasMessageStartingWith("Invalid setting 'kafka.transaction-timeout' = '1 min' from program argument "
                        + "--kafka.transaction-timeout: must be longer than checkpoint.interval");
    }

    @Test
    void aLockTimeoutOfZeroIsRefusedBecausePostgresReadsItAsNoTimeout() {
        assertThatThrownBy(() -> resolve("--jdbc.lock-timeout", "0 s"))
                .hasMessageStartingWith("Invalid setting 'jdbc.lock-timeout' = '0 s' from program argument "
                        + "--jdbc.lock-timeout: must be from 1 ms to 2147483647 ms");
        assertThatThrownBy(() -> resolve("--jdbc.lock-timeout", "30 d"))
                .hasMessageStartingWith("Invalid setting 'jdbc.lock-timeout' = '30 d'");
        assertThat(resolve("--jdbc.lock-timeout", "5 s").get(JDBC_LOCK_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aWindowSizeThatIsNotWholeSecondsIsRefused() {
        assertThatThrownBy(() -> resolve("--window.size", "1500 ms"))
                .hasMessage("Invalid setting 'window.size' = '1500 ms' from program argument --window.size: "
                        + "must be a whole number of seconds.");
    }

    @Test
    void aZeroWindowSizeIsRefused() {
        assertThatThrownBy(() -> resolve("--window.size", "0 s"))
                .hasMessage("Invalid setting 'window.size' = '0 s' from program argument --window.size: must be longer than zero.");
    }

    @Test
    void aZeroAllowedLatenessIsAccepted() {
        assertThat(resolve("--window.allowed-lateness", "0 s").get(ALLOWED_LATENESS)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aBootstrapServerWithoutPortIsRefused() {
        IllegalConfigurationException e = failure(new String[] {
                "--kafka.bootstrap-servers", "kafka", "--schema-registry.url", "http://registry:8081",
                "--jdbc.url", "jdbc:postgresql://db/trends"}, Map.of(), Map.of());

        assertThat(e).hasMessage("Invalid setting 'kafka.bootstrap-servers' = 'kafka' from program argument "
                + "--kafka.bootstrap-servers: must be host:port[,host:port...].");
    }

    @Test
    void aNonPostgresJdbcUrlIsRefused() {
        IllegalConfigurationException e = failure(new String[] {
                "--kafka.bootstrap-servers", "kafka:9092", "--schema-registry.url", "http://registry:8081"},
                Map.of(), Map.of("trendstream.jdbc.url", "jdbc:mysql://db/trends"));

        assertThat(e).hasMessage("Invalid setting 'jdbc.url' = 'jdbc:mysql://db/trends' from Flink configuration "
                + "trendstream.jdbc.url: must start with jdbc:postgresql://.");
    }

    @Test
    void aRegistryUrlMustBeHttpOrHttps() {
        assertThatThrownBy(() -> resolve(new String[] {"--kafka.bootstrap-servers", "kafka:9092",
                "--schema-registry.url", "registry:8081", "--jdbc.url", "jdbc:postgresql://db/trends"}, Map.of(), Map.of()))
                .hasMessageStartingWith("Invalid setting 'schema-registry.url' = 'registry:8081'");
    }

    @Test
    void anUnknownProgramArgumentIsRefused() {
        assertThatThrownBy(() -> resolve("--window.sise", "1 min"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Unknown program argument '--window.sise'. Known settings: ")
                .hasMessageContaining("window.size");
    }

    @Test
    void aProgramArgumentWithoutValueIsRefused() {
        assertThatThrownBy(() -> resolve("--job.name"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Program argument '--job.name' has no value.");
    }

    @Test
    void aPositionalProgramArgumentIsRefused() {
        assertThatThrownBy(() -> resolve("stray"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Unexpected program argument 'stray': expected --key value.");
    }

    // ------------------------------------------------------------------ secrets

    @Test
    void toStringNeverShowsSecrets() {
        Map<String, String> env = new HashMap<>();
        env.put("TRENDSTREAM_JDBC_PASSWORD", "s3cr3t-Pa55");
        env.put("TRENDSTREAM_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "registry-user:hunter2-Pa55");
        env.put("TRENDSTREAM_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD", "changeit-Pa55");

        String text = resolve(args(), env, Map.of()).toString();

        assertThat(text).doesNotContain("s3cr3t", "hunter2", "changeit", "registry-user")
                .contains("jdbc.password = ******  [environment variable TRENDSTREAM_JDBC_PASSWORD]")
                .contains("schema-registry.basic-auth.user-info = ******")
                .contains("schema-registry.ssl.truststore.password = ******");
    }

    @Test
    void toStringShowsAnUnsetSecretAsUnset() {
        assertThat(resolve().toString()).contains("jdbc.password = (unset)  [default]");
    }

    @Test
    void toStringShowsEveryOption() {
        String text = resolve().toString();

        for (var option : PipelineOptions.all()) {
            assertThat(text).contains("\n  " + option.key() + " = ");
        }
    }

    @Test
    void anInvalidSecretIsNotShownInTheError() {
        IllegalConfigurationException e = failure(args("--schema-registry.basic-auth.user-info", "no-colon-hunter2"),
                Map.of(), Map.of());

        assertThat(e).hasMessage("Invalid setting 'schema-registry.basic-auth.user-info' = (secret) from program argument "
                + "--schema-registry.basic-auth.user-info: must be user:password.");
    }

    // ------------------------------------------------------------------ XA pipeline id

    @Test
    void theXaPipelineIdIsTheKafkaTransactionalIdPrefixUnlessSet() {
        assertThat(resolve().xaPipelineId()).isEqualTo("trendstream");
        assertThat(resolve("--kafka.transactional-id-prefix", "analytics-green").xaPipelineId()).isEqualTo("analytics-green");
        assertThat(resolve("--kafka.transactional-id-prefix", "analytics-green", "--jdbc.xa.pipeline-id", "analytics")
                .xaPipelineId()).isEqualTo("analytics");
    }

    @Test
    void anXaPipelineIdThatDoesNotFitAnXaGlobalTransactionIdIsRefusedNamingTheSettingItCameFrom() {
        assertThat(failure(args("--jdbc.xa.pipeline-id", "x".repeat(65)), Map.of(), Map.of())).hasMessage(
                "Invalid setting 'jdbc.xa.pipeline-id' = '" + "x".repeat(65) + "' from program argument --jdbc.xa.pipeline-id: "
                        + "must be at most 64 bytes in UTF-8 (an XA global transaction id), not 65.");
        assertThat(failure(args("--jdbc.xa.pipeline-id", " "), Map.of(), Map.of()))
                .hasMessageStartingWith("Invalid setting 'jdbc.xa.pipeline-id' = ' '").hasMessageEndingWith(": must not be empty.");
        assertThat(failure(args("--kafka.transactional-id-prefix", "p".repeat(70)), Map.of(), Map.of()))
                .hasMessageStartingWith("Invalid setting 'kafka.transactional-id-prefix'")
                .hasMessageEndingWith("(it is also the XA pipeline id while jdbc.xa.pipeline-id is unset).");
        assertThat(resolve("--kafka.transactional-id-prefix", "p".repeat(70), "--jdbc.xa.pipeline-id", "p").xaPipelineId())
                .isEqualTo("p");
    }
}
