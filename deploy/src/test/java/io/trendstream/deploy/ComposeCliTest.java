package io.trendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Second opinion on docker-compose.yml from a real Compose implementation: `docker-compose config`
 * (Debian's package, no Docker daemon needed) parses, interpolates with .env.example and validates.
 * Skipped where docker-compose is not installed.
 */
class ComposeCliTest {

    @Test
    void dockerComposeConfigAcceptsTheFile() {
        Optional<Path> cli = RepoFiles.onPath("docker-compose");
        assumeTrue(cli.isPresent(), "docker-compose not installed (apt-get install -y docker-compose)");
        RepoFiles.ProcessResult result = RepoFiles.run(List.of(cli.get().toString(),
                "--env-file", ".env.example", "-f", Compose.FILE, "config", "-q"));
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void dockerComposeConfigFailsWithoutTheRequiredVariables(@TempDir Path tmp) throws IOException {
        // Proves the ${VAR:?} guards work: an empty env file must make interpolation fail.
        Optional<Path> cli = RepoFiles.onPath("docker-compose");
        assumeTrue(cli.isPresent(), "docker-compose not installed (apt-get install -y docker-compose)");
        Path emptyEnv = Files.writeString(tmp.resolve("empty.env"), "");
        RepoFiles.ProcessResult result = RepoFiles.run(List.of(cli.get().toString(),
                "--env-file", emptyEnv.toString(), "-f", Compose.FILE, "config", "-q"));
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("set POSTGRES_");
    }
}
