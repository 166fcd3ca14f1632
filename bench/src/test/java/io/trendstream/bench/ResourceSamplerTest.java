package io.trendstream.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the bench reads of the JVM a variant runs in: here, this one. */
class ResourceSamplerTest {

    private static final long MIB = 1 << 20;

    @Test
    void aVariantStartsWithoutTheGarbageTheVariantsBeforeItLeft() {
        ResourceSampler sampler = new ResourceSampler();
        List<byte[]> earlierVariant = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            earlierVariant.add(new byte[(int) (4 * MIB)]);
        }
        long withItsData = heapUsed();
        earlierVariant = null; // the earlier variant ended: its 256 MiB are garbage no collection has reached yet

        sampler.start();

        assertThat(heapUsed()).isLessThan(withItsData - 200 * MIB);
        assertThat(sampler.peakHeapAfterGcBytes()).as("the start's own collection is not the variant's").isZero();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
