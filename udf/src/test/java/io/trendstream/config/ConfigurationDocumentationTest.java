package io.trendstream.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table is the one generated from the declared options, word for word. */
class ConfigurationDocumentationTest {

    @Test
    void readmeListsEverySettingWithItsDefaultAndMeaning() throws Exception {
        Path readme = Path.of("..", "README.md");
        assertThat(readme).exists();

        assertThat(Files.readString(readme))
                .as("README.md configuration table; regenerate it from PipelineOptions.markdownTable()")
                .contains(PipelineOptions.markdownTable());
    }
}
