package io.trendstream.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client as the spec describes one (fields {@code id}, {@code event}, {@code data}, an empty
 * line dispatches, {@code :} starts a comment), collecting what it receives. {@link #connect} returns once the
 * gateway said {@code : connected}, i.e. once the subscription is registered.
 */
final class SseTestClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Event(String id, String type, String data) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch connected = new CountDownLatch(1);
    private final InputStream body;
    private final Thread reader;

    private SseTestClient(InputStream body) {
        this.body = body;
        this.reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    static SseTestClient connect(URI uri, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        SseTestClient client = new SseTestClient(response.body());
        assertThat(client.connected.await(30, TimeUnit.SECONDS)).as("': connected' from the gateway").isTrue();
        return client;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event> events(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String type = "message";
            StringBuilder data = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, type, data.toString()));
                    }
                    type = "message";
                    data = null;
                } else if (line.startsWith(":")) {
                    if (line.substring(1).trim().equals("connected")) {
                        connected.countDown();
                    }
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> type = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
