package io.trendstream.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Locates the PostgreSQL server programs ({@code initdb}, {@code pg_ctl}, {@code postgres}).
 *
 * <p>Search order, first directory holding all three wins:
 * <ol>
 *   <li>the environment variable {@code PG_BIN}, if set (then it is the only candidate, so a wrong value fails loudly);</li>
 *   <li>{@code pg_config --bindir};</li>
 *   <li>the newest {@code /usr/lib/postgresql/<major>/bin} (Debian/Ubuntu keep the server binaries off the PATH);</li>
 *   <li>every directory on the {@code PATH}.</li>
 * </ol>
 */
public final class PostgresBinaries {

    /** Environment variable that pins the directory holding initdb, pg_ctl and postgres. */
    public static final String PG_BIN_ENV = "PG_BIN";

    static final Path DEBIAN_ROOT = Paths.get("/usr/lib/postgresql");
    private static final List<String> PROGRAMS = List.of("initdb", "pg_ctl", "postgres");

    private final Path binDir;

    private PostgresBinaries(Path binDir) {
        this.binDir = binDir;
    }

    /** Locates the binaries using the process environment. */
    public static PostgresBinaries locate() {
        return locate(System.getenv());
    }

    /**
     * Locates the binaries using the given environment (only {@code PG_BIN} and {@code PATH} are read).
     *
     * @throws IllegalStateException naming every place searched and how to install PostgreSQL
     */
    public static PostgresBinaries locate(Map<String, String> env) {
        List<String> searched = new ArrayList<>();
        String pgBin = env.get(PG_BIN_ENV);
        if (pgBin != null && !pgBin.isBlank()) {
            Path dir = Paths.get(pgBin.trim());
            searched.add(PG_BIN_ENV + "=" + dir);
            if (hasAll(dir)) {
                return new PostgresBinaries(dir.toAbsolutePath());
            }
            throw notFound(searched, "unset " + PG_BIN_ENV + " or point it at the directory holding "
                    + String.join(", ", PROGRAMS) + ". ");
        }
        for (Path dir : candidates(env, searched)) {
            if (hasAll(dir)) {
                return new PostgresBinaries(dir.toAbsolutePath());
            }
        }
        throw notFound(searched, "");
    }

    private static List<Path> candidates(Map<String, String> env, List<String> searched) {
        List<Path> dirs = new ArrayList<>();
        Optional<Path> fromPgConfig = pgConfigBindir(env);
        searched.add("pg_config --bindir" + fromPgConfig.map(p -> " (" + p + ")").orElse(" (pg_config not available)"));
        fromPgConfig.ifPresent(dirs::add);

        List<Path> debian = debianBinDirs();
        searched.add(DEBIAN_ROOT + "/*/bin" + (debian.isEmpty() ? " (none)" : " " + debian));
        dirs.addAll(debian);

        String path = env.getOrDefault("PATH", "");
        searched.add("PATH (" + path + ")");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                dirs.add(Paths.get(entry));
            }
        }
        return dirs;
    }

    /** Debian's per-major-version directories, newest major first. */
    static List<Path> debianBinDirs() {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(DEBIAN_ROOT)) {
            return dirs;
        }
        try (DirectoryStream<Path> majors = Files.newDirectoryStream(DEBIAN_ROOT)) {
            for (Path major : majors) {
                Path bin = major.resolve("bin");
                if (Files.isDirectory(bin) && major.getFileName().toString().matches("\\d+(\\.\\d+)?")) {
                    dirs.add(bin);
                }
            }
        } catch (IOException e) {
            return dirs;
        }
        dirs.sort(Comparator.comparingDouble((Path bin) -> Double.parseDouble(bin.getParent().getFileName().toString()))
                .reversed());
        return dirs;
    }

    private static Optional<Path> pgConfigBindir(Map<String, String> env) {
        return run(List.of("pg_config", "--bindir"), Map.of("PATH", env.getOrDefault("PATH", ""))).map(Paths::get);
    }

    /** The trimmed output of a short command that succeeded, or empty (not installed, failed, timed out). */
    private static Optional<String> run(List<String> command, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process process = pb.start();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // e.g. pg_config is not installed: fall through to the other candidates
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Where this installation keeps its server libraries: {@code pg_config --pkglibdir} of the {@code pg_config} next
     * to these binaries, then the sibling {@code lib/} and {@code lib/postgresql/} of the bin directory (Debian's
     * /usr/lib/postgresql/&lt;major&gt;/lib, a source build's /usr/local/pgsql/lib).
     */
    public List<Path> libraryDirs() {
        List<Path> dirs = new ArrayList<>();
        Path pgConfig = binDir.resolve("pg_config");
        if (Files.isExecutable(pgConfig)) {
            run(List.of(pgConfig.toString(), "--pkglibdir"), Map.of()).map(Paths::get).ifPresent(dirs::add);
        }
        dirs.addAll(siblingLibraryDirs(binDir));
        return dirs.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    static List<Path> siblingLibraryDirs(Path binDir) {
        Path parent = binDir.toAbsolutePath().normalize().getParent();
        return parent == null ? List.of() : List.of(parent.resolve("lib"), parent.resolve("lib").resolve("postgresql"));
    }

    /** The timescaledb library of this installation ({@code timescaledb.so}, the loader), if it has one. */
    public Optional<Path> timescaledbLibrary() {
        return timescaledbLibrary(libraryDirs());
    }

    /**
     * A {@code timescaledb*.so} in the first of {@code dirs} that has one. Packages install the loader
     * {@code timescaledb.so} next to the versioned {@code timescaledb-<version>.so}; the loader is named when present.
     */
    static Optional<Path> timescaledbLibrary(List<Path> dirs) {
        for (Path dir : dirs) {
            if (Files.isRegularFile(dir.resolve("timescaledb.so"))) {
                return Optional.of(dir.resolve("timescaledb.so"));
            }
            try (DirectoryStream<Path> libs = Files.newDirectoryStream(dir, "timescaledb*.so")) {
                for (Path lib : libs) {
                    return Optional.of(lib);
                }
            } catch (IOException e) {
                // no such directory: try the next one
            }
        }
        return Optional.empty();
    }

    private static boolean hasAll(Path dir) {
        return PROGRAMS.stream().allMatch(p -> Files.isExecutable(dir.resolve(p)) && !Files.isDirectory(dir.resolve(p)));
    }

    private static IllegalStateException notFound(List<String> searched, String advice) {
        return new IllegalStateException("PostgreSQL server binaries (" + String.join(", ", PROGRAMS)
                + ") not found. Searched: " + String.join("; ", searched) + ". " + advice
                + "Install PostgreSQL with `apt-get install -y postgresql` (Debian/Ubuntu; binaries land in "
                + DEBIAN_ROOT + "/<major>/bin) or set " + PG_BIN_ENV + " to the directory holding them.");
    }

    public Path binDir() {
        return binDir;
    }

    public Path initdb() {
        return binDir.resolve("initdb");
    }

    public Path pgCtl() {
        return binDir.resolve("pg_ctl");
    }

    public Path postgres() {
        return binDir.resolve("postgres");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostgresBinaries other && binDir.equals(other.binDir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(binDir);
    }

    @Override
    public String toString() {
        return "PostgresBinaries[" + binDir + "]";
    }
}
