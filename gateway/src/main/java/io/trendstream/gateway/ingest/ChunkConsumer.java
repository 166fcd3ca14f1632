package io.trendstream.gateway.ingest;

import org.eclipse.jetty.io.Content;

/**
 * Takes a request body's chunks as they arrive, without blocking a thread: reads what has arrived, and asks the
 * source to call it again when more does, until {@link #accept} wants no more.
 */
abstract class ChunkConsumer implements Runnable {

    private final Content.Source source;

    ChunkConsumer(Content.Source source) {
        this.source = source;
    }

    /** Takes one chunk, a failure included, and releases it; returns whether to go on reading. */
    abstract boolean accept(Content.Chunk chunk);

    @Override
    public final void run() {
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(this);
                return;
            }
            if (!accept(chunk)) {
                return;
            }
        }
    }
}
