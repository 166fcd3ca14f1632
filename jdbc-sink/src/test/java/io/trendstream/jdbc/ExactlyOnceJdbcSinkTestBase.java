package io.trendstream.jdbc;

import io.trendstream.jdbc.internal.ChunkPreparer;
import io.trendstream.jdbc.internal.PreparedTransactionJanitor;
import io.trendstream.stack.PostgresExtension;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.jdbc.JdbcExactlyOnceOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.function.SerializableSupplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.xa.PGXADataSource;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The XA sink's behaviours that PostgreSQL and Flink's sink lifecycle make tricky, end to end on a real database and
 * a real Flink runtime: two phases, two pipelines on one database with overlapping checkpoints, a lost commit
 * notification, failover and restore, rows whose previous upsert is still prepared. Each database the sink supports
 * runs the whole suite as a subclass ({@link PostgresExactlyOnceJdbcSinkITCase}, {@link
 * TimescaleDbExactlyOnceJdbcSinkITCase}), which provides the server and may turn the tables into what that database
 * makes of them (hypertables).
 */
abstract class ExactlyOnceJdbcSinkTestBase {

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4) // two jobs at once
            .build());

    private static final String PIPELINE = "sink-it";
    private static final int ROWS = 100;
    private static final Duration PATIENCE = Duration.ofMinutes(1);

    protected String database;
    private PostgresXaConnection connection;

    /** The subclass's server, registered as a static extension with {@code @Order(1)}. */
    protected abstract PostgresExtension postgres();

    /** Prepares a fresh database before the suite's tables are created in it. */
    protected void prepareDatabase(String database) throws SQLException {}

    /**
     * Creates one of the suite's tables; {@code key} is its primary key column, which a subclass may partition by.
     */
    protected void createTable(Statement statement, String table, String columns, String key) throws SQLException {
        statement.execute("CREATE TABLE " + table + " (" + columns + ")");
    }

    @BeforeEach
    void createDatabase() throws SQLException {
        database = "sink" + UUID.randomUUID().toString().substring(0, 8);
        postgres().createDatabase(database);
        prepareDatabase(database);
        try (Connection db = postgres().newConnection(database); Statement statement = db.createStatement()) {
            createTable(statement, "numbers", "n bigint PRIMARY KEY", "n");
            createTable(statement, "other_numbers", "n bigint PRIMARY KEY", "n");
            createTable(statement, "counters", "k int PRIMARY KEY, v bigint NOT NULL", "k");
        }
        connection = new PostgresXaConnection(postgres().jdbcUrl(database), postgres().user(), postgres().password());
        CountWritten.WRITTEN.set(0);
    }

    /** The sink as the pipeline's are: on TimescaleDB, it creates its chunks outside its transactions. */
    private ExactlyOnceJdbcSink<Long> numbersSink(String pipeline, String table) {
        return ExactlyOnceJdbcSink.of(pipeline, "numbers", new InsertNumber(table), Types.LONG, connection, 10)
                .withHypertableChunks(HypertableChunks.of(table, n -> n));
    }

    // ------------------------------------------------------------------ two phases

    @Test
    void aCheckpointsRowsArePreparedButInvisibleUntilTheCheckpointCompletes(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        JobClient job = startWithStallableCheckpoints(numbersSink(PIPELINE, "numbers"));
        try {
            CompletableFuture<String> checkpoint = miniCluster.triggerCheckpoint(job.getJobID());
            assertThat(CheckpointStaller.stalled.await(1, TimeUnit.MINUTES)).as("the checkpoint stalled").isTrue();
            await().atMost(PATIENCE).until(() -> !ourPreparedTransactions(PIPELINE).isEmpty());

            assertThat(count("SELECT count(*) FROM numbers")).as("rows of the checkpoint in flight").isZero();
            assertThat(checkpoint).isNotDone();

            CheckpointStaller.disarm();
            checkpoint.get(1, TimeUnit.MINUTES);
            await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM numbers") > 0);
            assertThat(count("SELECT count(*) FROM numbers")).isEqualTo(count("SELECT count(DISTINCT n) FROM numbers"));
        } finally {
            CheckpointStaller.disarm();
            job.cancel().get();
        }
    }

    /**
     * Why the sink has a writer and committer of its own: the JDBC connector's writer commits while the
     * snapshot is taken, before the checkpoint is complete. If this test fails, the connector changed.
     */
    @Test
    void theConnectorsWriterCommitsBeforeTheCheckpointCompletes(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        JdbcSink<Long> connectorSink = JdbcSink.<Long>builder()
                .withQueryStatement(new InsertNumber("numbers"))
                .withExecutionOptions(JdbcExecutionOptions.builder().withMaxRetries(0).build())
                .buildExactlyOnce(JdbcExactlyOnceOptions.builder().withTransactionPerConnection(true).build(),
                        (SerializableSupplier<XADataSource>) connection::createXaDataSource);
        JobClient job = startWithStallableCheckpoints(connectorSink);
        try {
            CompletableFuture<String> checkpoint = miniCluster.triggerCheckpoint(job.getJobID());
            assertThat(CheckpointStaller.stalled.await(1, TimeUnit.MINUTES)).as("the checkpoint stalled").isTrue();

            await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM numbers") > 0);
            assertThat(checkpoint).as("committed, yet the checkpoint is not complete").isNotDone();
        } finally {
            CheckpointStaller.disarm();
            job.cancel().get();
        }
    }

    /** Numbers into the sink; beside them a branch whose first snapshot with records blocks until disarmed. */
    private JobClient startWithStallableCheckpoints(Sink<Long> sink) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofHours(1)); // checkpoints only when triggered
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(new DataGeneratorSource<>(i -> i, 1_000_000, RateLimiterStrategy.perSecond(200), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "numbers")
                .map(new CountWritten()).name("count written")
                .sinkTo(sink).name("sink under test");
        env.fromSource(new DataGeneratorSource<>(i -> i, 1_000_000, RateLimiterStrategy.perSecond(50), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "other numbers")
                .map(new CheckpointStaller<>()).name("checkpoint staller")
                .sinkTo(new DiscardingSink<>());
        CheckpointStaller.arm();
        JobClient job = env.executeAsync("stallable checkpoints");
        await().atMost(PATIENCE).until(() -> CountWritten.WRITTEN.get() >= 50);
        return job;
    }

    @Test
    void commitsEverythingWhenCheckpointsFollowEndOfInput() throws Exception {
        Configuration conf = new Configuration();
        // Frequent, overlapping checkpoints: after end of input, more reach the writer before the task finishes.
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(10));
        conf.set(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS, 4);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSequence(0, ROWS - 1).name("bounded numbers").sinkTo(numbersSink(PIPELINE, "numbers")).name("sink under test");
        env.fromSource(new DataGeneratorSource<>(i -> i, 20, RateLimiterStrategy.perSecond(10), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "slow numbers")
                .sinkTo(new DiscardingSink<>());
        env.execute("end of input, then checkpoints");

        assertExactly("numbers", ROWS);
        assertThat(postgres().preparedTransactions()).isZero();
    }

    // ------------------------------------------------------------------ new partitions

    /**
     * Two subtasks write the first rows of new partitions into every checkpoint (on TimescaleDB, chunks of ten
     * numbers). TimescaleDB keeps the lock it takes to create a chunk until the creating transaction ends, and a
     * prepared transaction ends at the checkpoint's commit: a chunk created inside one subtask's transaction kept the
     * other subtask's first row of a new chunk waiting for a commit that waited for that subtask's pre-commit.
     */
    @Test
    void twoSubtasksWritingTheFirstRowsOfNewPartitionsIntoEachCheckpointCommitEverything() throws Exception {
        writeWithTwoSubtasks(n -> n, 4L * ROWS);

        assertExactly("numbers", 4L * ROWS);
    }

    /**
     * Two subtasks write rows into partitions that hold older rows, compressed on TimescaleDB (a replay of old data).
     * A row written into a compressed chunk marks the chunk partially compressed in TimescaleDB's catalog, a row lock
     * that a prepared transaction holds until its commit: the other subtask's first row into that chunk waited for it.
     */
    @Test
    void twoSubtasksWritingIntoCompressedPartitionsInEachCheckpointCommitEverything() throws Exception {
        long rows = 4L * ROWS;
        try (Connection db = postgres().newConnection(database); Statement statement = db.createStatement()) {
            statement.execute("INSERT INTO numbers SELECT n FROM generate_series(0, " + (rows - 1) + ") n WHERE n % 2 = 0");
        }
        compressPartitions("numbers");

        writeWithTwoSubtasks(i -> 2 * i + 1, rows / 2);

        assertExactly("numbers", rows);
    }

    /** Compresses the table's partitions, where the database can (TimescaleDB's chunks). */
    protected void compressPartitions(String table) throws SQLException {}

    /**
     * Writes {@code count} numbers through the sink with two subtasks, checkpointing every 100 ms, without restarts. The
     * sink's lock timeout turns a wait that would never end into a failure.
     */
    private void writeWithTwoSubtasks(GeneratorFunction<Long, Long> numbers, long count) throws Exception {
        startWritingWithTwoSubtasks(numbers, count, numbersSink(PIPELINE, "numbers").withLockTimeout(Duration.ofSeconds(20)),
                0).getJobExecutionResult().get();
        assertThat(postgres().preparedTransactions()).isZero();
    }

    /**
     * Starts writing {@code count} numbers through {@code sink} with two subtasks, checkpointing every 100 ms, restarting
     * at most {@code restarts} times ({@link CountAttempts} counts the attempts).
     */
    protected JobClient startWritingWithTwoSubtasks(GeneratorFunction<Long, Long> numbers, long count,
            ExactlyOnceJdbcSink<Long> sink, int restarts) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                checkpointingEvery(Duration.ofMillis(100), restarts));
        env.setParallelism(2);
        CountAttempts.ATTEMPTS.set(0);
        env.fromSource(new DataGeneratorSource<>(numbers, count, RateLimiterStrategy.perSecond(4 * ROWS), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "numbers")
                .keyBy(n -> n) // the sink's input is keyed: a row's key is written by one subtask
                .map(new CountAttempts()).name("attempt counter")
                .sinkTo(sink)
                .name("sink under test");
        return env.executeAsync("two subtasks");
    }

    /** The sink as the pipeline's are, with the given decompression function (see {@link HypertableChunks}). */
    protected ExactlyOnceJdbcSink<Long> numbersSinkDecompressingWith(String function) {
        return ExactlyOnceJdbcSink.of(PIPELINE, "numbers", new InsertNumber("numbers"), Types.LONG, connection, 10)
                .withHypertableChunks(HypertableChunks.of("numbers", (Long n) -> n).decompressingWith(function));
    }

    // ------------------------------------------------------------------ locks the sink cannot foresee

    /**
     * A lock on the sink's table that another transaction holds and does not release, as a prepared transaction holds
     * its locks until a checkpoint completes that may be waiting for this very sink: the sink's statement gives up
     * after the sink's lock timeout, the job fails over, and once the lock is gone the restore writes every row once.
     */
    @Test
    void aWaitForALockThatIsNotReleasedFailsTheJobOverAndTheRestoreWritesEveryRowOnce() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                checkpointingEvery(Duration.ofMillis(100), 100));
        env.setParallelism(1);
        CountAttempts.ATTEMPTS.set(0);
        env.fromSource(new DataGeneratorSource<>(i -> i, ROWS, RateLimiterStrategy.perSecond(200), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "numbers")
                .map(new CountAttempts()).name("attempt counter")
                .sinkTo(numbersSink(PIPELINE, "numbers").withLockTimeout(Duration.ofSeconds(1)))
                .name("sink under test");
        try (Connection holder = postgres().newConnection(database); Statement lock = holder.createStatement()) {
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE numbers IN EXCLUSIVE MODE"); // reads go on, writes wait
            JobClient job = env.executeAsync("a lock that is not released");
            try {
                await().atMost(PATIENCE).until(() -> CountAttempts.ATTEMPTS.get() >= 2);
            } finally {
                holder.rollback();
            }
            job.getJobExecutionResult().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertExactly("numbers", ROWS);
        assertThat(postgres().preparedTransactions()).isZero();
    }

    // ------------------------------------------------------------------ shared databases and recovery

    @Test
    void twoPipelinesOnOneDatabaseLeaveEachOthersTransactionsAlone() throws Exception {
        // Blue has prepared the transaction of a checkpoint that cannot complete yet.
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment blue = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        blue.setParallelism(1);
        blue.fromSource(new DataGeneratorSource<>(i -> i, ROWS, RateLimiterStrategy.perSecond(100), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "blue numbers")
                .map(new CheckpointStaller<>()).name("checkpoint staller") // chained: the sink pre-commits first
                .sinkTo(numbersSink("blue", "numbers")).name("blue sink");
        CheckpointStaller.arm();
        JobClient blueJob = blue.executeAsync("blue");
        try {
            assertThat(CheckpointStaller.stalled.await(1, TimeUnit.MINUTES)).as("blue's checkpoint stalled").isTrue();
            await().atMost(PATIENCE).until(() -> !ourPreparedTransactions("blue").isEmpty());
            List<XaTransactionId> bluePrepared = ourPreparedTransactions("blue");

            // Green starts afresh on the same database (its janitor runs), checkpoints while blue's is in flight,
            // and finishes.
            StreamExecutionEnvironment green = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            green.setParallelism(1);
            green.fromSource(new DataGeneratorSource<>(i -> i, ROWS, RateLimiterStrategy.perSecond(200), Types.LONG),
                            WatermarkStrategy.noWatermarks(), "green numbers")
                    .sinkTo(numbersSink("green", "other_numbers")).name("green sink");
            green.execute("green");
            assertExactly("other_numbers", ROWS);
            assertThat(ourPreparedTransactions("blue")).as("green left blue's transactions alone").containsAll(bluePrepared);

            CheckpointStaller.disarm();
            await().atMost(PATIENCE).until(() -> blueJob.getJobStatus().get() == JobStatus.FINISHED);
            assertExactly("numbers", ROWS);
            assertThat(postgres().preparedTransactions()).isZero();
        } finally {
            CheckpointStaller.disarm();
            if (!blueJob.getJobStatus().get().isGloballyTerminalState()) {
                blueJob.cancel().get();
            }
        }
    }

    @Test
    void aCheckpointWhoseCommitWasLostIsCommittedOnRecoveryNotRolledBack() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                checkpointingEvery(Duration.ofMillis(200), 1));
        env.setParallelism(1);
        env.fromSource(new DataGeneratorSource<>(i -> i, 5 * ROWS, RateLimiterStrategy.perSecond(500), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "numbers")
                .sinkTo(new CommitCrashingSink<>(numbersSink(PIPELINE, "numbers"))).name("sink under test");
        CommitCrashingSink.CRASH.set(true);
        CommitCrashingSink.CRASHED.clear();

        env.execute("commit lost once");

        assertThat(CommitCrashingSink.CRASH).as("the job crashed between a checkpoint and its commit").isFalse();
        assertThat(CommitCrashingSink.CRASHED).isNotEmpty();
        // The crashed checkpoint's rows were never replayed (the restore starts after them): all are there.
        assertExactly("numbers", 5 * ROWS);
        assertThat(postgres().preparedTransactions()).isZero();
    }

    /**
     * A savepoint whose commit never happened (the job died between the savepoint and its commit) is committed by
     * the job started from it, which runs under another Flink job id: the transaction ids do not depend on it, and
     * the new job's janitor leaves the savepoint's transactions to its committer.
     */
    @Test
    void aSavepointWhoseCommitWasLostIsCommittedByTheJobRestoredFromIt(@TempDir Path savepoints) throws Exception {
        CommitCrashingSink.CRASH.set(true);
        CommitCrashingSink.CRASHED.clear();
        JobClient first = startSavepointable(null, new CommitCrashingSink<>(numbersSink(PIPELINE, "numbers")));
        await().atMost(PATIENCE).until(() -> CountWritten.WRITTEN.get() >= 50);
        String savepoint = first.triggerSavepoint(savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(1, TimeUnit.MINUTES);
        await().atMost(PATIENCE).until(() -> first.getJobStatus().get() == JobStatus.FAILED);
        assertThat(CommitCrashingSink.CRASHED).as("the savepoint's commit crashed").isNotEmpty();
        // Beside them, the rows that came after the savepoint may be prepared too (at end of input): the restored
        // job's janitor rolls those back, and replays their records.
        assertThat(ourPreparedTransactions(PIPELINE)).as("the savepoint's transactions, prepared")
                .containsAll(CommitCrashingSink.CRASHED);
        assertThat(count("SELECT count(*) FROM numbers")).isZero();

        JobClient second = startSavepointable(savepoint, numbersSink(PIPELINE, "numbers"));
        assertThat(second.getJobID()).isNotEqualTo(first.getJobID());
        second.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        assertExactly("numbers", 5 * ROWS);
        assertThat(postgres().preparedTransactions()).isZero();
    }

    /** Numbers into the sink, with uids so that a savepoint restores; without a savepoint, checkpoints only when triggered. */
    private JobClient startSavepointable(String savepoint, Sink<Long> sink) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint == null) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofHours(1));
        } else {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100)); // the final one comes soon
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(new DataGeneratorSource<>(i -> i, 5 * ROWS, RateLimiterStrategy.perSecond(100), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "numbers").uid("numbers")
                .map(new CountWritten()).name("count written").uid("count written")
                .sinkTo(sink).name("sink under test").uid("sink under test");
        return env.executeAsync(savepoint == null ? "before the savepoint" : "restored from the savepoint");
    }

    /** Fails once, when a completed checkpoint's transactions are to be committed: a crash between the two. */
    static final class CommitCrashingSink<IN>
            implements Sink<IN>, SupportsWriterState<IN, List<IN>>, SupportsCommitter<JdbcCommitable> {
        static final AtomicBoolean CRASH = new AtomicBoolean();
        static final List<XaTransactionId> CRASHED = new CopyOnWriteArrayList<>();

        private final ExactlyOnceJdbcSink<IN> sink;

        CommitCrashingSink(ExactlyOnceJdbcSink<IN> sink) {
            this.sink = sink;
        }

        @Override
        public StatefulSinkWriter<IN, List<IN>> createWriter(WriterInitContext context) throws IOException {
            return sink.createWriter(context);
        }

        @Override
        public StatefulSinkWriter<IN, List<IN>> restoreWriter(WriterInitContext context, Collection<List<IN>> state)
                throws IOException {
            return sink.restoreWriter(context, state);
        }

        @Override
        public SimpleVersionedSerializer<List<IN>> getWriterStateSerializer() {
            return sink.getWriterStateSerializer();
        }

        @Override
        public Committer<JdbcCommitable> createCommitter(CommitterInitContext context) throws IOException {
            Committer<JdbcCommitable> committer = sink.createCommitter(context);
            return new Committer<>() {
                @Override
                public void commit(Collection<CommitRequest<JdbcCommitable>> requests) throws IOException, InterruptedException {
                    if (!requests.isEmpty() && CRASH.compareAndSet(true, false)) {
                        requests.forEach(r -> CRASHED.add(XaTransactionId.fromXid(r.getCommittable().getXid()).orElseThrow()));
                        throw new IOException("Test: crash after the checkpoint completed, before its commit");
                    }
                    committer.commit(requests);
                }

                @Override
                public void close() throws Exception {
                    committer.close();
                }
            };
        }

        @Override
        public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
            return sink.getCommittableSerializer();
        }
    }

    // ------------------------------------------------------------------ row locks of prepared transactions

    /**
     * The same row in consecutive checkpoints, and the second checkpoint's barrier reaches the sink before
     * the first one's completion does (it cannot complete before a stalled operator elsewhere lets it):
     * the first transaction is prepared, holding the row's lock, and only this task's thread can commit
     * it. Writing the row again now would wait for that lock in that very thread. The sink gives up
     * waiting for a lock after 2 s here, which would fail the job (no restarts). Batches of 10 rows: the writer tries
     * to execute rows ahead of the barrier ten times a second, and must not while the earlier transaction is prepared.
     */
    @Test
    void aRowWhosePreviousUpsertIsPreparedButNotCommittedNeitherDeadlocksNorWaitsForItsLock(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofHours(1)); // checkpoints only when triggered
        conf.set(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(new DataGeneratorSource<>(i -> i, 1_000_000, RateLimiterStrategy.perSecond(100), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "counter values")
                .map(new SnapshotProbe()).name("snapshot probe") // chained with the sink: snapshots after its pre-commit
                .sinkTo(ExactlyOnceJdbcSink.of(PIPELINE, "counters", new UpsertCounter(), Types.LONG, connection, 10)
                        .withHypertableChunks(HypertableChunks.of("counters", value -> 0L)) // every row is counter 0
                        .withLockTimeout(Duration.ofSeconds(2)))
                .name("sink under test");
        env.fromSource(new DataGeneratorSource<>(i -> i, 1_000_000, RateLimiterStrategy.perSecond(20), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "other numbers")
                .map(new CheckpointStaller<>()).name("checkpoint staller")
                .sinkTo(new DiscardingSink<>());
        SnapshotProbe.reset();
        CheckpointStaller.arm();
        JobClient job = env.executeAsync("late commit");
        try {
            await().atMost(PATIENCE).until(() -> SnapshotProbe.SEEN.get() >= 20);
            CompletableFuture<String> first = miniCluster.triggerCheckpoint(job.getJobID());
            assertThat(CheckpointStaller.stalled.await(1, TimeUnit.MINUTES)).as("the first checkpoint stalled").isTrue();
            await().atMost(PATIENCE).until(() -> !ourPreparedTransactions(PIPELINE).isEmpty());
            List<XaTransactionId> holdingTheRow = ourPreparedTransactions(PIPELINE);
            await().atMost(PATIENCE).until(() -> !SnapshotProbe.VALUE_AT.isEmpty());
            long firstId = SnapshotProbe.VALUE_AT.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();

            CompletableFuture<String> second = miniCluster.triggerCheckpoint(job.getJobID());
            await().atMost(PATIENCE).until(() -> SnapshotProbe.VALUE_AT.containsKey(firstId + 1)
                    || job.getJobStatus().get() != JobStatus.RUNNING);
            assertThat(job.getJobStatus().get()).as("no lock wait failed the job").isEqualTo(JobStatus.RUNNING);
            assertThat(ourPreparedTransactions(PIPELINE)).as("the second checkpoint's rows wait for the next one")
                    .isEqualTo(holdingTheRow);
            assertThat(first).isNotDone();

            CheckpointStaller.disarm();
            second.get(1, TimeUnit.MINUTES);
            // The first completes as well, or is subsumed when the second's acknowledgements come first; either way
            // the second's completion commits everything up to it (the exact count below checks that).
            first.handle((path, subsumed) -> path).get(1, TimeUnit.MINUTES);
            miniCluster.triggerCheckpoint(job.getJobID()).get(1, TimeUnit.MINUTES);
            long third = firstId + 2;
            long expected = SnapshotProbe.VALUE_AT.get(third);
            await().atMost(PATIENCE).until(() -> ourPreparedTransactions(PIPELINE).isEmpty());
            assertThat(count("SELECT v FROM counters WHERE k = 0")).as("the last value before checkpoint %s", third)
                    .isEqualTo(expected);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            CheckpointStaller.disarm();
            job.cancel().get();
        }
    }

    /**
     * The rows that waited for the next checkpoint (see above) are in the writer's state of the checkpoint
     * they missed; a restore from it writes them, once.
     */
    @Test
    void rowsThatWaitedForTheNextCheckpointSurviveARestoreFromTheCheckpointThatHeldThem(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Configuration conf = checkpointingEvery(Duration.ofHours(1), 1); // checkpoints only when triggered
        conf.set(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(new DataGeneratorSource<>(i -> i, 1_000_000, RateLimiterStrategy.perSecond(100), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "numbers")
                .map(new FailOnce()).name("fail once")
                .map(new SnapshotProbe()).name("snapshot probe")
                .sinkTo(numbersSink(PIPELINE, "numbers")).name("sink under test");
        env.fromSource(new DataGeneratorSource<>(i -> i, 1_000_000, RateLimiterStrategy.perSecond(20), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "other numbers")
                .map(new CheckpointStaller<>()).name("checkpoint staller")
                .sinkTo(new DiscardingSink<>());
        SnapshotProbe.reset();
        FailOnce.FAIL.set(false);
        FailOnce.FAILED.set(false);
        CheckpointStaller.arm();
        JobClient job = env.executeAsync("deferred rows across a restore");
        try {
            await().atMost(PATIENCE).until(() -> SnapshotProbe.SEEN.get() >= 20);
            CompletableFuture<String> first = miniCluster.triggerCheckpoint(job.getJobID());
            assertThat(CheckpointStaller.stalled.await(1, TimeUnit.MINUTES)).as("the first checkpoint stalled").isTrue();
            await().atMost(PATIENCE).until(() -> !ourPreparedTransactions(PIPELINE).isEmpty() && !SnapshotProbe.VALUE_AT.isEmpty());
            List<XaTransactionId> prepared = ourPreparedTransactions(PIPELINE);
            long firstId = SnapshotProbe.VALUE_AT.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            CompletableFuture<String> second = miniCluster.triggerCheckpoint(job.getJobID());
            await().atMost(PATIENCE).until(() -> SnapshotProbe.VALUE_AT.containsKey(firstId + 1));
            assertThat(ourPreparedTransactions(PIPELINE)).as("the second checkpoint's rows wait, in its state").isEqualTo(prepared);
            CheckpointStaller.disarm();
            second.get(1, TimeUnit.MINUTES);
            // The first completes as well, or is subsumed when the second's acknowledgements come first; either way
            // the second's completion commits everything up to it (the exact count below checks that).
            first.handle((path, subsumed) -> path).get(1, TimeUnit.MINUTES);

            FailOnce.FAIL.set(true); // restart from the second checkpoint
            await().atMost(PATIENCE).until(() -> FailOnce.FAILED.get() && job.getJobStatus().get() == JobStatus.RUNNING);
            await().atMost(PATIENCE).ignoreExceptions().until(() -> {
                miniCluster.triggerCheckpoint(job.getJobID()).get(1, TimeUnit.MINUTES);
                return true;
            });
            long last = SnapshotProbe.VALUE_AT.get(SnapshotProbe.VALUE_AT.keySet().stream().mapToLong(Long::longValue).max().orElseThrow());
            await().atMost(PATIENCE).until(() -> ourPreparedTransactions(PIPELINE).isEmpty());
            assertExactly("numbers", last + 1);
        } finally {
            CheckpointStaller.disarm();
            job.cancel().get();
        }
    }

    /** Throws once when told to: a failure after a checkpoint, so that the job restores from it. */
    static final class FailOnce implements MapFunction<Long, Long> {
        static final AtomicBoolean FAIL = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();

        @Override
        public Long map(Long value) {
            if (FAIL.compareAndSet(true, false)) {
                FAILED.set(true);
                throw new IllegalStateException("Test: failure after the checkpoint");
            }
            return value;
        }
    }

    /** Records, per checkpoint, the last value that passed before its barrier. */
    static final class SnapshotProbe implements MapFunction<Long, Long>, CheckpointedFunction {
        static final AtomicLong SEEN = new AtomicLong();
        static final Map<Long, Long> VALUE_AT = new ConcurrentHashMap<>();

        static void reset() {
            SEEN.set(0);
            VALUE_AT.clear();
        }

        private transient long last = -1;

        @Override
        public Long map(Long value) {
            last = value;
            SEEN.incrementAndGet();
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            VALUE_AT.put(context.getCheckpointId(), last);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}
    }

    // ------------------------------------------------------------------ the janitor on a real database

    @Test
    void janitorRollsBackOnlyItsOwnPipelinesAndSinksTransactionsFromAfterTheRestoredCheckpoint() throws Exception {
        prepare(new XaTransactionId("blue", "numbers", 0, 5), 1); // in restored checkpoint 5: its commit is pending
        prepare(new XaTransactionId("blue", "numbers", 1, 6), 2); // abandoned
        prepare(new XaTransactionId("blue", "late_events", 0, 7), 3); // another sink of the pipeline
        prepare(new XaTransactionId("green", "numbers", 0, 9), 4); // another pipeline
        prepare(TransactionId.create(new byte[16], 0, 1).withBranch(9), 5); // the JDBC connector's format
        try (Connection db = postgres().newConnection(database); Statement statement = db.createStatement()) {
            statement.execute("BEGIN");
            statement.execute("INSERT INTO numbers VALUES (6)");
            statement.execute("PREPARE TRANSACTION 'another-application'");
        }
        assertThat(preparedGids()).hasSize(6);

        assertThat(new PreparedTransactionJanitor(connection, "blue", "numbers").rollBackAbandoned(OptionalLong.of(5)))
                .containsExactly(new XaTransactionId("blue", "numbers", 1, 6));
        assertThat(preparedGids()).hasSize(5).contains(new XaTransactionId("blue", "numbers", 0, 5).gid());

        // A fresh start abandons every transaction of the pipeline's sink, and only those.
        assertThat(new PreparedTransactionJanitor(connection, "blue", "numbers").rollBackAbandoned(OptionalLong.empty()))
                .containsExactly(new XaTransactionId("blue", "numbers", 0, 5));
        assertThat(preparedGids()).hasSize(4).contains("another-application",
                new XaTransactionId("blue", "late_events", 0, 7).gid(), new XaTransactionId("green", "numbers", 0, 9).gid());
        try (Connection db = postgres().newConnection(database); Statement statement = db.createStatement()) {
            for (String gid : preparedGids()) {
                statement.execute("ROLLBACK PREPARED '" + gid + "'");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private void prepare(Xid xid, long row) throws Exception {
        // The row's partition exists first, as the sink makes sure: on TimescaleDB a chunk created in a prepared
        // transaction would keep the next one waiting.
        try (ChunkPreparer<Long> chunks = ChunkPreparer.of(HypertableChunks.of("numbers", n -> n), new InsertNumber("numbers"),
                connection, ExactlyOnceJdbcSink.DEFAULT_LOCK_TIMEOUT)) {
            chunks.prepareChunksFor(List.of(row));
        }
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

    private List<XaTransactionId> ourPreparedTransactions(String pipeline) throws SQLException {
        return preparedGids().stream().flatMap(gid -> XaTransactionId.fromGid(gid).stream())
                .filter(xid -> xid.pipelineId().equals(pipeline)).toList();
    }

    private List<String> preparedGids() throws SQLException {
        List<String> gids = new ArrayList<>();
        try (Connection db = postgres().newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            while (rs.next()) {
                gids.add(rs.getString(1));
            }
        }
        return gids;
    }

    /** Checkpoints every {@code interval}; restarts at most {@code restarts} times, 100 ms apart (0: none). */
    private static Configuration checkpointingEvery(Duration interval, int restarts) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        if (restarts == 0) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        } else {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        }
        return conf;
    }

    protected void assertExactly(String table, long rows) throws SQLException {
        assertThat(count("SELECT count(*) FROM " + table)).as("rows in %s", table).isEqualTo(rows);
        assertThat(count("SELECT sum(n) FROM " + table)).as("sum of %s", table).isEqualTo(rows * (rows - 1) / 2);
    }

    private long count(String sql) throws SQLException {
        try (Connection db = postgres().newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Counts the attempts of a job's tasks (the first run and every restart), for the subtask that runs first. */
    static final class CountAttempts extends RichMapFunction<Long, Long> {
        static final AtomicInteger ATTEMPTS = new AtomicInteger();

        @Override
        public void open(OpenContext context) {
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                ATTEMPTS.incrementAndGet();
            }
        }

        @Override
        public Long map(Long value) {
            return value;
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

    /** Sets counter 0 to the value: the same row in every checkpoint. */
    static final class UpsertCounter implements JdbcQueryStatement<Long> {
        @Override
        public String query() {
            return "INSERT INTO counters (k, v) VALUES (0, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v";
        }

        @Override
        public void statement(PreparedStatement ps, Long value) throws SQLException {
            ps.setLong(1, value);
        }
    }
}
