package io.trendstream.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HypertableChunksTest {

    @Test
    void decompressesWithTimescaleDbsOwnFunctionUnlessToldOtherwise() {
        HypertableChunks<Long> chunks = HypertableChunks.of("numbers", n -> n);

        assertThat(chunks.decompressFunction()).isEqualTo("decompress_chunk");
        assertThat(chunks.decompressingWith("app.decompress_for_me").decompressFunction()).isEqualTo("app.decompress_for_me");
        assertThat(chunks.partitionValue(42L)).isEqualTo(42L);
    }

    /** The name goes into the SQL the sink runs: only a (schema-qualified) identifier is taken. */
    @Test
    void refusesAFunctionThatIsNotAName() {
        HypertableChunks<Long> chunks = HypertableChunks.of("numbers", n -> n);

        assertThatThrownBy(() -> chunks.decompressingWith("decompress_chunk(x); DROP TABLE numbers; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Not a function name");
    }
}
