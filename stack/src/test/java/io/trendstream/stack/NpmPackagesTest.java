package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code npm ci} runs once per lock file (npm is needed, as for every Node.js check of the build). */
class NpmPackagesTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String LOCK = """
            {"name": "p", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
             "packages": {"": {"name": "p", "version": "1.0.0"}}}
            """;

    @TempDir
    Path directory;

    @BeforeEach
    void program() throws Exception {
        Files.writeString(directory.resolve("package.json"), "{\"name\": \"p\", \"version\": \"1.0.0\"}");
        Files.writeString(directory.resolve("package-lock.json"), LOCK);
    }

    @Test
    void installsWhatTheLockFilePinsAndRecordsWhichLockFileThatWas() throws Exception {
        NpmPackages.installLocked(directory, TIMEOUT);

        String lockDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(LOCK.getBytes(StandardCharsets.UTF_8)));
        assertThat(directory.resolve("node_modules").resolve(NpmPackages.INSTALLED_LOCK)).content()
                .isEqualToIgnoringNewLines(lockDigest);
    }

    @Test
    void anUnchangedLockFileIsNotInstalledAgain() throws Exception {
        NpmPackages.installLocked(directory, TIMEOUT);
        Files.writeString(directory.resolve("package.json"), "not JSON: npm ci would fail");

        NpmPackages.installLocked(directory, TIMEOUT);
    }

    @Test
    void aChangedLockFileIsInstalledAgainAndNpmsFailureIsReported() throws Exception {
        NpmPackages.installLocked(directory, TIMEOUT);
        Files.writeString(directory.resolve("package.json"), "not JSON: npm ci fails");
        Files.writeString(directory.resolve("package-lock.json"), LOCK.replace("1.0.0", "1.0.1"));

        assertThatThrownBy(() -> NpmPackages.installLocked(directory, TIMEOUT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("npm ci").hasMessageContaining("failed (exit");
    }

    @Test
    void refusesADirectoryWithoutLockFile() throws Exception {
        Files.delete(directory.resolve("package-lock.json"));

        assertThatThrownBy(() -> NpmPackages.installLocked(directory, TIMEOUT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("No package-lock.json");
    }
}
