package io.trendstream.gateway.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One thread of the load tool driving many HTTP/1.1 keep-alive connections with a selector, each a closed-loop client
 * with one request in flight: when its answer is complete the connection posts the next request, until the phase
 * ends. Many connections on a few threads keep the tool's own cost per request low (a thread per connection cost
 * two context switches per request), so that the gateway, not the tool, is what a run measures.
 *
 * <p>Requests come from a {@link RequestSource}, which is told each answer's status and latency. Any I/O error closes
 * the connection, counts as an answer with status -1, and the next request opens a new one.
 */
final class ConnectionDriver implements Runnable {

    /** Makes a connection's next request and learns of its answer; called on the driver's thread only. */
    interface RequestSource {
        /** The next request of this connection, or null when the phase is over. */
        Request next(int connection);

        void answered(Request request, int status, long latencyNanos);
    }

    /** One POST: its path and body, and whatever the source wants to remember of it. */
    record Request(String path, byte[] body, Object tag) {}

    private final InetSocketAddress address;
    private final byte[] headers;
    private final List<Integer> connectionIds;
    private final RequestSource source;

    ConnectionDriver(URI base, String apiKey, List<Integer> connectionIds, RequestSource source) {
        String host = base.getHost();
        int port = base.getPort() < 0 ? 80 : base.getPort();
        this.address = new InetSocketAddress(host, port);
        this.headers = (" HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: application/json\r\n"
                + (apiKey == null || apiKey.isBlank() ? "" : "X-API-Key: " + apiKey + "\r\n") + "Content-Length: ")
                .getBytes(StandardCharsets.US_ASCII);
        this.connectionIds = List.copyOf(connectionIds);
        this.source = source;
    }

    @Override
    public void run() {
        try (Selector selector = Selector.open()) {
            List<Connection> connections = new ArrayList<>();
            for (int id : connectionIds) {
                Connection connection = new Connection(id, selector);
                connections.add(connection);
                connection.sendNext();
            }
            while (connections.stream().anyMatch(Connection::busy)) {
                selector.select(1_000);
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Connection) key.attachment()).ready(key);
                }
                selector.selectedKeys().clear();
            }
            connections.forEach(Connection::close);
        } catch (IOException e) {
            throw new IllegalStateException("The load tool's selector failed", e);
        }
    }

    /** A keep-alive connection and the state of its one request in flight. */
    private final class Connection {

        private final int id;
        private final Selector selector;
        private SocketChannel channel;
        private SelectionKey key;
        private Request request;
        private long sentAt;
        private ByteBuffer out;
        private ByteBuffer in = ByteBuffer.allocate(8 * 1024);

        Connection(int id, Selector selector) {
            this.id = id;
            this.selector = selector;
        }

        boolean busy() {
            return request != null;
        }

        /** Posts this connection's next request, if the phase has one. */
        void sendNext() {
            while ((request = source.next(id)) != null) {
                try {
                    if (channel == null) {
                        open();
                    }
                    out = encode(request);
                    sentAt = System.nanoTime();
                    channel.write(out);
                    key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                    return;
                } catch (IOException e) {
                    failed();
                }
            }
        }

        void ready(SelectionKey ready) {
            try {
                if (ready.isWritable()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                } else if (ready.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                failed();
                sendNext();
            }
        }

        private void read() throws IOException {
            if (!in.hasRemaining()) {
                ByteBuffer larger = ByteBuffer.allocate(in.capacity() * 2);
                larger.put(in.flip());
                in = larger;
            }
            if (channel.read(in) < 0) {
                throw new EOFException("The gateway closed the connection");
            }
            Answer answer = Answer.parse(in.array(), in.position());
            if (answer == null) {
                return; // not complete yet
            }
            // Keep-alive with one request in flight: nothing follows the answer.
            in.clear();
            long latency = System.nanoTime() - sentAt;
            Request answered = request;
            if (answer.closing()) {
                close();
            }
            source.answered(answered, answer.status(), latency);
            sendNext();
        }

        private void failed() {
            close();
            Request lost = request;
            request = null;
            source.answered(lost, -1, System.nanoTime() - sentAt);
        }

        private void open() throws IOException {
            SocketChannel candidate = SocketChannel.open();
            try {
                candidate.setOption(StandardSocketOptions.TCP_NODELAY, true);
                candidate.connect(address);
                candidate.configureBlocking(false);
                key = candidate.register(selector, SelectionKey.OP_READ, this);
                channel = candidate;
            } catch (IOException e) {
                candidate.close();
                throw e;
            }
        }

        void close() {
            if (channel != null) {
                key.cancel();
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
                channel = null;
            }
            in.clear();
        }

        private ByteBuffer encode(Request request) {
            byte[] path = request.path().getBytes(StandardCharsets.US_ASCII);
            byte[] length = (request.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer buffer = ByteBuffer.allocate(5 + path.length + headers.length + length.length + request.body().length);
            buffer.put("POST ".getBytes(StandardCharsets.US_ASCII)).put(path).put(headers).put(length).put(request.body());
            return buffer.flip();
        }
    }

    /** A complete HTTP/1.1 answer at the start of a buffer: its status and whether the server closes. */
    record Answer(int status, boolean closing) {

        /** The answer in {@code bytes[0, length)}, or null while it is incomplete. */
        static Answer parse(byte[] bytes, int length) {
            int headerEnd = indexOf(bytes, 0, length, "\r\n\r\n");
            if (headerEnd < 0) {
                return null;
            }
            String[] lines = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            long contentLength = 0;
            boolean chunked = false;
            boolean closing = false;
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i].toLowerCase(Locale.ROOT);
                if (line.startsWith("content-length:")) {
                    contentLength = Long.parseLong(line.substring(15).trim());
                } else if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                    chunked = true;
                } else if (line.startsWith("connection:") && line.contains("close")) {
                    closing = true;
                }
            }
            int bodyStart = headerEnd + 4;
            boolean complete = chunked ? chunkedEnd(bytes, bodyStart, length) >= 0 : length - bodyStart >= contentLength;
            return complete ? new Answer(status, closing) : null;
        }

        /** Where a chunked body starting at {@code from} ends, or -1 while it is incomplete. */
        private static int chunkedEnd(byte[] bytes, int from, int length) {
            int at = from;
            while (true) {
                int lineEnd = indexOf(bytes, at, length, "\r\n");
                if (lineEnd < 0) {
                    return -1;
                }
                String sizeLine = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                int extension = sizeLine.indexOf(';');
                long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
                if (size == 0) {
                    int end = indexOf(bytes, lineEnd, length, "\r\n\r\n"); // after any trailers
                    return end < 0 ? -1 : end + 4;
                }
                at = lineEnd + 2 + (int) size + 2;
                if (at > length) {
                    return -1;
                }
            }
        }

        private static int indexOf(byte[] bytes, int from, int length, String ascii) {
            outer:
            for (int i = from; i <= length - ascii.length(); i++) {
                for (int j = 0; j < ascii.length(); j++) {
                    if (bytes[i + j] != ascii.charAt(j)) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
