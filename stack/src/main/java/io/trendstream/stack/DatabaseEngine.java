package io.trendstream.stack;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which database a private server runs: TimescaleDB (the {@code timescaledb} library preloaded) or plain PostgreSQL.
 * Chosen by the setting {@value #SETTING} ({@code auto}, the default: TimescaleDB where the PostgreSQL installation
 * has the library; {@code timescaledb}; {@code postgresql}).
 */
public record DatabaseEngine(Kind kind, Optional<Path> timescaledbLibrary) {

    /** Environment variable choosing the engine. */
    public static final String SETTING = "TRENDSTREAM_DATABASE";
    /**
     * Server setting that tells sql/002 to leave TimescaleDB alone on a server started as plain PostgreSQL, even where
     * the extension is installed (it could not be created without the preloaded library).
     */
    public static final String PLAIN_SETTING = "trendstream.timescaledb";

    public enum Kind { TIMESCALEDB, POSTGRESQL }

    public DatabaseEngine {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(timescaledbLibrary, "timescaledbLibrary");
    }

    /** The engine {@value #SETTING} of the process environment asks for, on these binaries. */
    public static DatabaseEngine choose(PostgresBinaries binaries) {
        return choose(System.getenv(), binaries);
    }

    /**
     * The engine the setting asks for, given where this installation's timescaledb library is (if anywhere).
     *
     * @throws IllegalArgumentException for an unknown value, or {@code timescaledb} without the library; the message
     *                                  names {@value #SETTING} and the directories searched
     */
    public static DatabaseEngine choose(Map<String, String> env, PostgresBinaries binaries) {
        String setting = env.getOrDefault(SETTING, "auto").strip().toLowerCase(Locale.ROOT);
        Optional<Path> library = binaries.timescaledbLibrary();
        return switch (setting) {
            case "", "auto" -> new DatabaseEngine(library.isPresent() ? Kind.TIMESCALEDB : Kind.POSTGRESQL, library);
            case "postgresql" -> new DatabaseEngine(Kind.POSTGRESQL, library);
            case "timescaledb" -> {
                if (library.isEmpty()) {
                    throw new IllegalArgumentException(SETTING + "=timescaledb, but the PostgreSQL installation in "
                            + binaries.binDir() + " has no timescaledb library (timescaledb*.so in "
                            + binaries.libraryDirs() + "). Install TimescaleDB for this PostgreSQL version "
                            + "(https://docs.timescale.com/self-hosted/latest/install/), or unset " + SETTING + ".");
                }
                yield new DatabaseEngine(Kind.TIMESCALEDB, library);
            }
            default -> throw new IllegalArgumentException(SETTING + " must be auto, timescaledb or postgresql, not '"
                    + env.get(SETTING) + "'");
        };
    }

    /** The server settings ({@code -c name=value}) that make a server this engine. */
    public Map<String, String> serverSettings() {
        return kind == Kind.TIMESCALEDB
                // telemetry off: a private test/dev server phones nobody
                ? Map.of("shared_preload_libraries", "timescaledb", "timescaledb.telemetry_level", "off")
                : Map.of(PLAIN_SETTING, "off");
    }

    /** One line for people: which database, and why. */
    public String describe() {
        return kind == Kind.TIMESCALEDB
                ? "TimescaleDB (timescaledb preloaded, library " + timescaledbLibrary.orElseThrow() + ")"
                : "plain PostgreSQL (" + timescaledbLibrary.map(l -> SETTING + "=postgresql; TimescaleDB's library "
                        + l + " is not loaded").orElse("no timescaledb library installed") + ")";
    }
}
