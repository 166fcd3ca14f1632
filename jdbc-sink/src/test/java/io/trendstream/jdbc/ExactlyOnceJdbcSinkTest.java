package io.trendstream.jdbc;

import org.apache.flink.api.common.typeinfo.Types;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExactlyOnceJdbcSinkTest {

    private static final ExactlyOnceJdbcSink<Long> SINK = ExactlyOnceJdbcSink.of("pipeline", "numbers",
            new InsertNumber("numbers"), Types.LONG, new PostgresXaConnection("jdbc:postgresql://db/x", "u", null), 10);

    /** PostgreSQL's lock_timeout: whole milliseconds, at most INT_MAX; 0 would switch the timeout off. */
    @Test
    void takesALockTimeoutThatPostgresCanHoldAndThatIsNotZero() {
        assertThat(ExactlyOnceJdbcSink.lockTimeoutProblem(Duration.ofMillis(1))).isEmpty();
        assertThat(ExactlyOnceJdbcSink.lockTimeoutProblem(Duration.ofMillis(Integer.MAX_VALUE))).isEmpty();
        assertThat(ExactlyOnceJdbcSink.lockTimeoutProblem(ExactlyOnceJdbcSink.DEFAULT_LOCK_TIMEOUT)).isEmpty();

        for (Duration refused : new Duration[] {Duration.ZERO, Duration.ofNanos(999_999), Duration.ofSeconds(-1),
                Duration.ofMillis(Integer.MAX_VALUE + 1L)}) {
            assertThat(ExactlyOnceJdbcSink.lockTimeoutProblem(refused)).as("%s", refused)
                    .hasValue("must be from 1 ms to 2147483647 ms (PostgreSQL's lock_timeout, which cannot be switched off here)");
            assertThatThrownBy(() -> SINK.withLockTimeout(refused)).as("%s", refused)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("The lock timeout must be from 1 ms");
        }
    }
}
