package io.trendstream.jobs;

import io.trendstream.sink.ExactlyOnceJdbcSink;
import io.trendstream.sink.PostgresXaConnection;
import io.trendstream.sink.PreparedTransactionJanitor;
import io.trendstream.stack.PostgresExtension;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.jdbc.JdbcExactlyOnceOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.function.SerializableSupplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.xa.PGXADataSource;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The XA sink's behaviours that PostgreSQL and Flink's sink lifecycle make tricky, on a real database. */
class ExactlyOnceJdbcSinkITCase {

    @RegisterExtension
    @Order(1)
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final int ROWS = 100;

    private String database;
    private PostgresXaConnection connection;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = "sink" + UUID.randomUUID().toString().substring(0, 8);
        POSTGRES.createDatabase(database);
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE numbers (n bigint PRIMARY KEY)");
        }
        connection = new PostgresXaConnection(POSTGRES.jdbcUrl(database), POSTGRES.user(), POSTGRES.password());
    }

    @Test
    void connectorAloneFailsWhenCheckpointsFollowEndOfInput() {
        JdbcSink<Long> connectorSink = JdbcSink.<Long>builder()
                .withQueryStatement(new InsertNumber())
                .withExecutionOptions(JdbcExecutionOptions.builder().withMaxRetries(0).build())
                .buildExactlyOnce(JdbcExactlyOnceOptions.builder().withTransactionPerConnection(true).build(),
                        (SerializableSupplier<XADataSource>) connection::createXaDataSource);

        assertThatThrownBy(() -> runBoundedInputThenMoreCheckpoints(connectorSink))
                .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "currentXid not null"))
                        .as("the connector's known failure; if this test fails, the connector is fixed"
                                + " and CheckpointAlignedJdbcWriter can go")
                        .isPresent());
    }

    @Test
    void exactlyOnceSinkCommitsEverythingWhenCheckpointsFollowEndOfInput() throws Exception {
        runBoundedInputThenMoreCheckpoints(ExactlyOnceJdbcSink.of("numbers", new InsertNumber(), connection, 10));

        assertThat(count("SELECT count(*) FROM numbers")).isEqualTo(ROWS);
        assertThat(count("SELECT sum(n) FROM numbers")).isEqualTo((long) ROWS * (ROWS - 1) / 2);
        assertThat(POSTGRES.preparedTransactions()).isZero();
    }

    @Test
    void rowsBecomeVisibleOnlyWhenTheirCheckpointCompletes(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofHours(1)); // checkpoints only when triggered
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(new DataGeneratorSource<>(i -> i, 1_000_000, RateLimiterStrategy.perSecond(200), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "numbers")
                .map(new CountWritten()).name("count written")
                .sinkTo(ExactlyOnceJdbcSink.of("numbers", new InsertNumber(), connection, 1)).name("sink under test");
        CountWritten.WRITTEN.set(0);
        JobClient job = env.executeAsync("visibility");
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> CountWritten.WRITTEN.get() >= 100);
            assertThat(count("SELECT count(*) FROM numbers")).as("rows written, no checkpoint yet").isZero();

            for (int checkpoint = 1; checkpoint <= 3; checkpoint++) {
                long before = CountWritten.WRITTEN.get();
                miniCluster.triggerCheckpoint(job.getJobID()).get();
                long after = CountWritten.WRITTEN.get(); // the barrier passed the sink between before and after
                // What was written before the barrier becomes visible with this checkpoint ...
                await().atMost(Duration.ofMinutes(1)).until(() -> count("SELECT count(*) FROM numbers") >= before);
                // ... and what is written after it does not, until the next one, on whatever connection
                // the writer's next transaction runs.
                await().atMost(Duration.ofMinutes(1)).until(() -> CountWritten.WRITTEN.get() >= after + 100);
                assertThat(count("SELECT count(*) FROM numbers")).as("rows after checkpoint %s", checkpoint)
                        .isLessThanOrEqualTo(after);
                assertThat(count("SELECT count(*) FROM numbers")).isEqualTo(count("SELECT count(DISTINCT n) FROM numbers"));
            }
        } finally {
            job.cancel().get();
        }
    }

    /** Counts what reaches the sink, through a static because the MiniCluster runs in this JVM. */
    static final class CountWritten implements MapFunction<Long, Long> {
        static final AtomicLong WRITTEN = new AtomicLong();

        @Override
        public Long map(Long value) {
            WRITTEN.incrementAndGet();
            return value;
        }
    }

    @Test
    void janitorRollsBackOnlyTheConnectorsTransactionsFromAfterTheRestoredCheckpoint() throws Exception {
        byte[] jobId = new byte[16];
        prepareFlinkTransaction(TransactionId.create(jobId, 0, 2).withBranch(3), 1);
        prepareFlinkTransaction(TransactionId.create(jobId, 1, 2).withBranch(7), 2);
        byte[] earlierJob = new byte[16];
        earlierJob[0] = 1;
        prepareFlinkTransaction(TransactionId.create(earlierJob, 0, 1).withBranch(9), 3);
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement()) {
            statement.execute("BEGIN");
            statement.execute("INSERT INTO numbers VALUES (4)");
            statement.execute("PREPARE TRANSACTION 'another-application'");
        }
        assertThat(preparedGids()).hasSize(4);

        List<String> rolledBack = new PreparedTransactionJanitor(connection).rollBackAbandoned(OptionalLong.of(5));

        assertThat(rolledBack).hasSize(2);
        List<String> remaining = preparedGids();
        assertThat(remaining).hasSize(2).contains("another-application");
        assertThat(remaining.stream().map(PreparedTransactionJanitor::flinkBranchCheckpoint)
                .filter(OptionalLong::isPresent).map(OptionalLong::getAsLong)).containsExactly(3L);

        // A fresh start (nothing restored) abandons every transaction of the connector, and only those.
        assertThat(new PreparedTransactionJanitor(connection).rollBackAbandoned(OptionalLong.empty())).hasSize(1);
        assertThat(preparedGids()).containsExactly("another-application");
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement()) {
            statement.execute("COMMIT PREPARED 'another-application'");
        }
        assertThat(count("SELECT count(*) FROM numbers")).as("only the other application's row").isEqualTo(1);
    }

    /** A bounded branch into the sink finishes first; a slower branch keeps checkpoints coming after that. */
    private void runBoundedInputThenMoreCheckpoints(Sink<Long> sink) throws Exception {
        Configuration conf = new Configuration();
        // Frequent, overlapping checkpoints: after end of input, a second one reaches the writer before
        // the first one's completion lets the task finish.
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(10));
        conf.set(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS, 4);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSequence(0, ROWS - 1).name("bounded numbers").sinkTo(sink).name("sink under test");
        env.fromSource(new DataGeneratorSource<>(i -> i, 20, RateLimiterStrategy.perSecond(10), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "slow numbers")
                .sinkTo(new DiscardingSink<>());
        env.execute("end of input, then checkpoints");
    }

    private void prepareFlinkTransaction(TransactionId xid, long row) throws Exception {
        PGXADataSource dataSource = (PGXADataSource) connection.createXaDataSource();
        XAConnection xa = dataSource.getXAConnection();
        try {
            XAResource resource = xa.getXAResource();
            resource.start(xid, XAResource.TMNOFLAGS);
            try (PreparedStatement insert = xa.getConnection().prepareStatement("INSERT INTO numbers VALUES (?)")) {
                insert.setLong(1, row);
                insert.executeUpdate();
            }
            resource.end(xid, XAResource.TMSUCCESS);
            resource.prepare(xid);
        } finally {
            xa.close();
        }
    }

    private List<String> preparedGids() throws SQLException {
        List<String> gids = new ArrayList<>();
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            while (rs.next()) {
                gids.add(rs.getString(1));
            }
        }
        return gids;
    }

    private long count(String sql) throws SQLException {
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Inserts a number. */
    static final class InsertNumber implements JdbcQueryStatement<Long> {
        @Override
        public String query() {
            return "INSERT INTO numbers (n) VALUES (?)";
        }

        @Override
        public void statement(PreparedStatement ps, Long n) throws SQLException {
            ps.setLong(1, n);
        }
    }
}
