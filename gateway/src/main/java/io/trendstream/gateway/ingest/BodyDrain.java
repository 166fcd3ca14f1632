package io.trendstream.gateway.ingest;

import org.eclipse.jetty.io.Content;

import java.util.concurrent.CompletableFuture;

/**
 * Reads what is left of a refused request's body and drops it, without blocking a thread, before the refusal is
 * written. A server that answers and closes while the client is still sending resets the connection, and the client
 * may never read the answer (a 413 for a body over the limit, a 401 sent before the body was read). Bounded: past
 * {@code limit} bytes the answer goes out anyway, and the connection is closed after it.
 */
final class BodyDrain extends ChunkConsumer {

    private final long limit;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private long dropped;

    private BodyDrain(Content.Source source, long limit) {
        super(source);
        this.limit = limit;
    }

    /** Completes when the body has ended, failed, or passed {@code limit} more bytes; never exceptionally. */
    static CompletableFuture<Void> drain(Content.Source source, long limit) {
        BodyDrain drain = new BodyDrain(source, limit);
        drain.run();
        return drain.drained;
    }

    @Override
    boolean accept(Content.Chunk chunk) {
        boolean done = chunk.isLast() || Content.Chunk.isFailure(chunk);
        dropped += chunk.remaining();
        chunk.release();
        if (done || dropped > limit) {
            drained.complete(null);
            return false;
        }
        return true;
    }
}
