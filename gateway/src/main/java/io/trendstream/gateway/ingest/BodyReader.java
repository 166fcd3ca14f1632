package io.trendstream.gateway.ingest;

import org.eclipse.jetty.io.Content;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a request body without blocking a thread: takes the chunks as they arrive and completes with the whole body,
 * or with an {@link IngestException} (413) as soon as it grows past the limit, whatever length the request declared.
 */
final class BodyReader extends ChunkConsumer {

    private final long limit;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private byte[] bytes;
    private int size;

    private BodyReader(Content.Source source, long limit, long declaredLength) {
        super(source);
        this.limit = limit;
        this.bytes = new byte[(int) Math.min(limit, declaredLength > 0 ? declaredLength : 4096)];
    }

    /** The body of {@code source}, of at most {@code limit} bytes; {@code declaredLength} (-1 if unknown) sizes the buffer. */
    static CompletableFuture<byte[]> read(Content.Source source, long limit, long declaredLength) {
        BodyReader reader = new BodyReader(source, limit, declaredLength);
        reader.run();
        return reader.body;
    }

    @Override
    boolean accept(Content.Chunk chunk) {
        if (Content.Chunk.isFailure(chunk)) {
            body.completeExceptionally(chunk.getFailure());
            return false;
        }
        ByteBuffer buffer = chunk.getByteBuffer();
        int length = buffer.remaining();
        if (size + (long) length > limit) {
            chunk.release();
            body.completeExceptionally(IngestException.tooLarge("The body has more than " + limit
                    + " bytes (gateway.ingest.max-body-size)"));
            return false;
        }
        if (size + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(size + (long) length, 2L * bytes.length)));
        }
        buffer.get(bytes, size, length);
        size += length;
        chunk.release();
        if (chunk.isLast()) {
            body.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
            return false;
        }
        return true;
    }
}
