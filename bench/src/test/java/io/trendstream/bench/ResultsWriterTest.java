package io.trendstream.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** How one run rewrites the results part of a README, and only that part. */
class ResultsWriterTest {
    @TempDir
    Path dir;

    @Test
    void theResultsPartBetweenTheMarkersIsReplacedAndTheRestKept() throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# Title\n\nbefore\n\n" + ResultsWriter.BEGIN + "\nold table\n" + ResultsWriter.END + "\n\nafter\n");

        assertThat(ResultsWriter.updateReadme(readme, "| new | table |\n")).isTrue();
        assertThat(ResultsWriter.updateReadme(readme, "| newer | table |\n")).isTrue();

        assertThat(Files.readString(readme)).isEqualTo(
                "# Title\n\nbefore\n\n" + ResultsWriter.BEGIN + "\n| newer | table |\n" + ResultsWriter.END + "\n\nafter\n");
    }

    @Test
    void aReadmeWithoutMarkersIsLeftAlone() throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# Title\n");

        assertThat(ResultsWriter.updateReadme(readme, "| new |\n")).isFalse();
        assertThat(Files.readString(readme)).isEqualTo("# Title\n");
        assertThat(ResultsWriter.updateReadme(dir.resolve("missing.md"), "| new |\n")).isFalse();
    }
}
