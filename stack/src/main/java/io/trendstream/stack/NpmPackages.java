package io.trendstream.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The npm packages of a Node.js program the tests run (Confluent's client in {@code clients/node}, PGlite with
 * TimescaleDB), installed exactly as their {@code package-lock.json} pins them ({@code npm ci}).
 *
 * <p>{@code npm ci} deletes {@code node_modules} and installs everything again, some 20 s, and a build runs several
 * tests on the same directory. So an install leaves the SHA-256 of the lock file it installed in {@code node_modules},
 * and a later install of an unchanged lock file does nothing. A failed {@code npm ci} leaves no record (it deletes
 * {@code node_modules} first), and a changed lock file is installed again.
 */
public final class NpmPackages {

    static final String INSTALLED_LOCK = ".installed-package-lock.sha256";

    private NpmPackages() {
    }

    /**
     * Installs the packages {@code directory}'s lock file pins, unless this lock file is what was installed last.
     *
     * @throws IllegalStateException if there is no lock file, or {@code npm ci} fails or takes longer than {@code timeout}
     */
    public static void installLocked(Path directory, Duration timeout) throws IOException, InterruptedException {
        Path lock = directory.resolve("package-lock.json");
        if (!Files.isRegularFile(lock)) {
            throw new IllegalStateException("No package-lock.json in " + directory + ": npm ci installs only pinned packages");
        }
        String locked = sha256(lock);
        Path installed = directory.resolve("node_modules").resolve(INSTALLED_LOCK);
        if (Files.isRegularFile(installed) && Files.readString(installed).strip().equals(locked)) {
            return;
        }
        List<String> command = List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        ExternalCommand.Result install = ExternalCommand.run(directory, timeout, command);
        if (install.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " in " + directory + " failed ("
                    + install.describe() + ")");
        }
        Files.createDirectories(installed.getParent()); // a lock file without dependencies installs no node_modules
        Files.writeString(installed, locked + "\n");
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
