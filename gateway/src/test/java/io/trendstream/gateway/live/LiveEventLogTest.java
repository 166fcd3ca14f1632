package io.trendstream.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** What a reconnecting client is replayed: everything after its Last-Event-ID, or a reset when that is gone. */
class LiveEventLogTest {

    private final LiveEventLog log = new LiveEventLog("e1", 3);

    @Test
    void aNewClientGetsNoHistoryThenEveryNewEvent() {
        log.publish("alert", "{\"n\":1}");
        List<LiveEvent> received = new ArrayList<>();
        assertThat(log.subscribe(null, received::add)).isEmpty();
        LiveEvent second = log.publish("alert", "{\"n\":2}");
        assertThat(received).containsExactly(second);
        assertThat(second.id()).isEqualTo("e1-2");
    }

    @Test
    void aClientResumesAfterItsLastEventId() {
        LiveEvent first = log.publish("alert", "1");
        LiveEvent second = log.publish("window", "2");
        LiveEvent third = log.publish("alert", "3");
        assertThat(log.subscribe(first.id(), e -> { })).containsExactly(second, third);
        assertThat(log.subscribe(third.id(), e -> { })).isEmpty();
    }

    @Test
    void aClientBehindTheKeptHistoryOrFromAnotherEpochGetsAReset() {
        LiveEvent first = log.publish("alert", "1");
        LiveEvent second = log.publish("alert", "2");
        log.publish("alert", "3");
        log.publish("alert", "4"); // capacity 3: the first is gone, so after it nothing is missing yet...
        assertThat(log.subscribe(first.id(), e -> { })).extracting(LiveEvent::data).containsExactly("2", "3", "4");
        log.publish("alert", "5"); // ...now the second is gone too: resuming after the first would miss it
        assertThat(log.subscribe(first.id(), e -> { })).extracting(LiveEvent::type)
                .containsExactly(LiveEventLog.RESET);
        assertThat(log.subscribe(second.id(), e -> { })).extracting(LiveEvent::data).containsExactly("3", "4", "5");
        for (String stranger : List.of("e0-2", "e1-99", "e1-x", "garbage")) {
            assertThat(log.subscribe(stranger, e -> { })).as(stranger).extracting(LiveEvent::type)
                    .containsExactly(LiveEventLog.RESET);
        }
    }

    @Test
    void anUnsubscribedClientGetsNothingMore() {
        List<LiveEvent> received = new ArrayList<>();
        java.util.function.Consumer<LiveEvent> client = received::add;
        log.subscribe(null, client);
        log.publish("alert", "1");
        log.unsubscribe(client);
        log.publish("alert", "2");
        assertThat(received).extracting(LiveEvent::data).containsExactly("1");
    }
}
