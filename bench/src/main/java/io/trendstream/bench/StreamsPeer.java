package io.trendstream.bench;

final class StreamsPeer {
    static RunningVariant start(BenchStack stack, BenchOptions options, Dataset dataset, int parallelism) {
        throw new UnsupportedOperationException("not yet");
    }
}
