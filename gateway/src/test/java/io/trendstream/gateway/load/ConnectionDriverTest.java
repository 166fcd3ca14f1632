package io.trendstream.gateway.load;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The load tool knows when an answer is complete, so that a connection's next request is sent only then. */
class ConnectionDriverTest {

    @Test
    void anAnswerWithContentLengthIsCompleteOnceItsWholeBodyIsRead() {
        String answer = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"accepted\":2}";

        assertThat(parse(answer)).isEqualTo(new ConnectionDriver.Answer(202, false));
        assertThat(parse(answer.substring(0, answer.length() - 1))).isNull();
        assertThat(parse("HTTP/1.1 202 Accepted\r\nContent-Length: 14\r\n")).isNull();
    }

    @Test
    void aChunkedAnswerIsCompleteAfterItsLastChunk() {
        String answer = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\n{\"a\":\r\n3;x=1\r\n1}\n\r\n0\r\n\r\n";

        assertThat(parse(answer)).isEqualTo(new ConnectionDriver.Answer(503, true));
        assertThat(parse(answer.substring(0, answer.length() - 2))).isNull();
        assertThat(parse(answer.substring(0, answer.indexOf("0\r\n\r\n")))).isNull();
    }

    @Test
    void anAnswerWithoutBodyIsCompleteAtTheEndOfItsHeaders() {
        assertThat(parse("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")).isEqualTo(new ConnectionDriver.Answer(401, false));
    }

    private static ConnectionDriver.Answer parse(String answer) {
        byte[] bytes = answer.getBytes(StandardCharsets.ISO_8859_1);
        byte[] buffer = new byte[bytes.length + 16]; // parsed up to the given length, never beyond
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        return ConnectionDriver.Answer.parse(buffer, bytes.length);
    }
}
