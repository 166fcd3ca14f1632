package io.trendstream.gateway.load;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection of the load tool, on a plain socket: a request is written with one system call
 * and its answer read with a buffered stream, so that the load tool spends its CPU on the gateway's load rather than
 * on a general-purpose client (java.net.http's selector thread and futures cost more per request than the gateway's
 * own handling of a one-event POST). Reconnects after any error or a {@code Connection: close}.
 */
final class KeepAliveConnection implements AutoCloseable {

    private final String host;
    private final int port;
    private final byte[] headerStart;
    private final byte[] extraHeaders;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    KeepAliveConnection(URI base, String apiKey) {
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.headerStart = "POST ".getBytes(StandardCharsets.US_ASCII);
        this.extraHeaders = (" HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: application/json\r\n"
                + (apiKey == null || apiKey.isBlank() ? "" : "X-API-Key: " + apiKey + "\r\n") + "Content-Length: ")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Posts the body and returns the status of the answer (whose body is read and dropped). */
    int post(String path, byte[] body) throws IOException {
        try {
            if (socket == null) {
                connect();
            }
            byte[] pathBytes = path.getBytes(StandardCharsets.US_ASCII);
            byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[headerStart.length + pathBytes.length + extraHeaders.length + length.length + body.length];
            int at = 0;
            for (byte[] part : new byte[][] {headerStart, pathBytes, extraHeaders, length, body}) {
                System.arraycopy(part, 0, request, at, part.length);
                at += part.length;
            }
            out.write(request);
            out.flush();
            return readAnswer();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private int readAnswer() throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean closing = false;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closing = true;
            }
        }
        if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                skip(size);
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers
            }
        } else if (contentLength > 0) {
            skip(contentLength);
        }
        if (closing) {
            close();
        }
        return status;
    }

    private long chunkSize() throws IOException {
        String line = readLine();
        int extension = line.indexOf(';');
        return Long.parseLong((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("The gateway closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void skip(long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("The gateway closed the connection");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private void connect() throws IOException {
        Socket candidate = new Socket();
        candidate.setTcpNoDelay(true);
        candidate.connect(new InetSocketAddress(host, port), 10_000);
        candidate.setSoTimeout(60_000);
        socket = candidate;
        out = candidate.getOutputStream();
        in = new BufferedInputStream(candidate.getInputStream(), 16 * 1024);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
