package io.trendstream.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A program's settings resolved from program arguments, the environment, the Flink configuration (for the job) and
 * the options' defaults, in that order of precedence, each with where its value came from: so that every refusal
 * names the setting and its origin, and secrets are never shown. The job's {@link PipelineConfig} and the gateway's
 * configuration both resolve and check their settings with it.
 */
public final class ResolvedSettings {

    /** Prefix of the settings' keys in the Flink configuration (config.yaml, -D). */
    public static final String FLINK_PREFIX = "trendstream.";

    /** Prefix of the settings' environment variables. */
    public static final String ENV_PREFIX = "TRENDSTREAM_";

    private final List<ConfigOption<?>> options;
    private final Set<String> secrets;
    private final Configuration values;
    private final Map<String, String> origins;
    private final boolean readsFlinkConfiguration;

    private ResolvedSettings(List<ConfigOption<?>> options, Set<String> secrets, Configuration values,
            Map<String, String> origins, boolean readsFlinkConfiguration) {
        this.options = options;
        this.secrets = secrets;
        this.values = values;
        this.origins = origins;
        this.readsFlinkConfiguration = readsFlinkConfiguration;
    }

    /**
     * Resolves {@code options} and parses each (a type error names the setting); the caller checks the values.
     *
     * @param args program arguments, {@code --key value} or {@code --key=value}; an unknown key is refused
     * @param flinkConfig the Flink configuration the job was submitted with ({@value #FLINK_PREFIX} keys), or null
     *     for a program that reads none
     */
    public static ResolvedSettings resolve(List<ConfigOption<?>> options, Collection<ConfigOption<?>> secrets,
            String[] args, Map<String, String> environment, ReadableConfig flinkConfig) {
        Map<String, String> arguments = parseArguments(args);
        Set<String> known = options.stream().map(ConfigOption::key).collect(Collectors.toCollection(TreeSet::new));
        for (String key : arguments.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalConfigurationException(
                        "Unknown program argument '--" + key + "'. Known settings: " + String.join(", ", known));
            }
        }
        Map<String, String> fromFlink = flinkConfig == null ? Map.of() : flinkConfig.toMap();
        Map<String, String> raw = new HashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (ConfigOption<?> option : options) {
            String key = option.key();
            String variable = environmentVariable(option);
            if (arguments.containsKey(key)) {
                raw.put(key, arguments.get(key));
                origins.put(key, "program argument --" + key);
            } else if (environment.get(variable) != null && !environment.get(variable).isBlank()) {
                raw.put(key, environment.get(variable));
                origins.put(key, "environment variable " + variable);
            } else if (fromFlink.get(FLINK_PREFIX + key) != null) {
                raw.put(key, fromFlink.get(FLINK_PREFIX + key));
                origins.put(key, "Flink configuration " + FLINK_PREFIX + key);
            } else {
                origins.put(key, "default");
            }
        }
        ResolvedSettings settings = new ResolvedSettings(List.copyOf(options),
                secrets.stream().map(ConfigOption::key).collect(Collectors.toUnmodifiableSet()),
                Configuration.fromMap(raw), origins, flinkConfig != null);
        for (ConfigOption<?> option : options) {
            settings.get(option); // type errors first, naming the setting
        }
        return settings;
    }

    /** The environment variable that sets an option, e.g. TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS. */
    public static String environmentVariable(ConfigOption<?> option) {
        return ENV_PREFIX + option.key().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** {@code --key value} and {@code --key=value} pairs, in order. */
    public static Map<String, String> parseArguments(String[] args) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalConfigurationException("Unexpected program argument '" + arg + "': expected --key value.");
            }
            String body = arg.substring(2);
            int eq = body.indexOf('=');
            if (eq > 0) {
                parsed.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                parsed.put(body, args[++i]);
            } else {
                throw new IllegalConfigurationException("Program argument '--" + body + "' has no value.");
            }
        }
        return parsed;
    }

    /** The value of one of the resolved options: another is a program's mistake, not a default to fall back on. */
    public <T> T get(ConfigOption<T> option) {
        if (!origins.containsKey(option.key())) {
            throw new IllegalArgumentException("'" + option.key() + "' is not one of this program's settings");
        }
        try {
            return values.get(option);
        } catch (IllegalArgumentException e) {
            throw invalid(option, "cannot be parsed as " + typeName(option) + " (" + rootMessage(e) + ")");
        }
    }

    // ------------------------------------------------------------ checks

    /** Refuses a missing or blank value, saying where to set it. */
    public void require(ConfigOption<?> option) {
        Object value = get(option);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalConfigurationException("Missing required setting '" + option.key() + "': set --"
                    + option.key() + (readsFlinkConfiguration
                            ? ", the environment variable " + environmentVariable(option) + ", or " + FLINK_PREFIX
                                    + option.key() + " in the Flink configuration. "
                            : " or the environment variable " + environmentVariable(option) + ". ")
                    + option.description());
        }
    }

    public void positive(ConfigOption<Duration> option) {
        check(option, v -> !v.isNegative() && !v.isZero(), "must be longer than zero");
    }

    public void notNegative(ConfigOption<Duration> option) {
        check(option, v -> !v.isNegative(), "must not be negative");
    }

    /** Refuses a set value that is not {@code valid}, with the {@code requirement} it breaks. */
    public <T> void check(ConfigOption<T> option, Predicate<T> valid, String requirement) {
        T value = get(option);
        if (value != null && !valid.test(value)) {
            throw invalid(option, requirement);
        }
    }

    /** The refusal of {@code option}'s value: the setting, its value (never a secret's) and where it came from. */
    public IllegalConfigurationException invalid(ConfigOption<?> option, String requirement) {
        String raw = values.toMap().get(option.key());
        String shown = secrets.contains(option.key()) ? "(secret)"
                : "'" + (raw != null ? raw : String.valueOf(option.defaultValue())) + "'";
        return new IllegalConfigurationException("Invalid setting '" + option.key() + "' = " + shown + " from "
                + origins.get(option.key()) + ": " + requirement + ".");
    }

    private static String typeName(ConfigOption<?> option) {
        Object def = option.defaultValue();
        if (def instanceof Duration) {
            return "a duration (e.g. 30 s, 5 min)";
        }
        return def == null ? "text" : def.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Every setting with its value and origin, secrets masked: safe to log. */
    public String describe(String name) {
        StringBuilder text = new StringBuilder(name).append('{');
        for (ConfigOption<?> option : options) {
            Object value = get(option);
            text.append("\n  ").append(option.key()).append(" = ")
                    .append(secrets.contains(option.key()) ? (value == null ? "(unset)" : "******") : value)
                    .append("  [").append(origins.get(option.key())).append(']');
        }
        return text.append("\n}").toString();
    }
}
