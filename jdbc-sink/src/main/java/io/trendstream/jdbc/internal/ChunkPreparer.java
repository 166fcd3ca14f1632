package io.trendstream.jdbc.internal;

import io.trendstream.jdbc.HypertableChunks;
import io.trendstream.jdbc.PostgresXaConnection;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares the chunks that a sink's rows go into, each in a short transaction of its own, before the rows go into the
 * sink's XA transaction (see {@link HypertableChunks} for why): creates the chunks that do not exist, and decompresses
 * the compressed ones.
 *
 * <p>A chunk is created the way TimescaleDB creates one for an insert, so that TimescaleDB alone decides its range:
 * under the lock TimescaleDB takes for chunk creation, if still no chunk holds the row's time, the row is written with
 * the sink's own statement, which creates the chunk, and deleted again before the commit. Nobody else can see the row:
 * it is inserted and deleted by one transaction.
 *
 * <p>A row written into a compressed chunk marks the chunk's catalog entry as partially compressed, a row lock that
 * a prepared transaction holds until its commit, so the next transaction writing into that chunk waits as it would
 * for a new chunk. The compressed chunks the rows go into are decompressed first ({@code decompress_chunk}, or the
 * function {@link HypertableChunks#decompressingWith} names); the compression policy compresses them again. That is
 * only for rows older than the policy's age, e.g. a replay.
 *
 * <p>The chunks known to exist are read once per sink transaction, so that a chunk dropped (retention) or compressed
 * (policy) since is prepared again. One dropped or compressed between that read and the rows is written inside the
 * transaction after all; should another subtask's transaction then wait for it, the sink's lock timeout ends the wait
 * in a failover, and the restore prepares the chunk again.
 */
@Internal
public final class ChunkPreparer<IN> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkPreparer.class);

    private static final String CHUNKS = "SELECT format('%I.%I', chunk_schema, chunk_name), is_compressed,"
            + " coalesce(range_start_integer, CASE WHEN isfinite(range_start)"
            + " THEN (extract(epoch FROM range_start) * 1000000)::bigint END),"
            + " coalesce(range_end_integer, CASE WHEN isfinite(range_end)"
            + " THEN (extract(epoch FROM range_end) * 1000000)::bigint END)"
            + " FROM timescaledb_information.chunks"
            + " WHERE format('%I.%I', hypertable_schema, hypertable_name)::regclass = to_regclass(?)";

    private final HypertableChunks<IN> chunks;
    private final JdbcQueryStatement<IN> statement;
    private final PostgresXaConnection connection;
    /** How long preparing a chunk waits for a lock before it fails: the sink's lock timeout. */
    private final Duration lockTimeout;

    private Connection db;
    /** Null until the table was looked at; then whether it is a hypertable. */
    private Boolean hypertable;
    /** Multiplier from the rows' partition values to the dimension's: epoch ms to µs for a time column. */
    private long scale;
    /** The chunks known to exist; null when to be read again. */
    private List<Chunk> known;
    private Chunk lastHit;

    private ChunkPreparer(HypertableChunks<IN> chunks, JdbcQueryStatement<IN> statement, PostgresXaConnection connection,
            Duration lockTimeout) {
        this.chunks = chunks;
        this.statement = statement;
        this.connection = connection;
        this.lockTimeout = lockTimeout;
    }

    /** Null when the sink has no hypertable chunks to prepare. */
    public static <IN> ChunkPreparer<IN> of(HypertableChunks<IN> chunks, JdbcQueryStatement<IN> statement,
            PostgresXaConnection connection, Duration lockTimeout) {
        return chunks == null ? null : new ChunkPreparer<>(chunks, statement, connection, lockTimeout);
    }

    /** Called as a sink transaction begins: the chunks known to exist are read again before its rows are checked. */
    public void newTransaction() {
        known = null;
        lastHit = null;
    }

    /** Creates the chunks these rows need and decompresses the compressed ones, each in a transaction of its own. */
    public void prepareChunksFor(List<IN> rows) throws SQLException {
        if (rows.isEmpty() || !isHypertable()) {
            return;
        }
        if (known == null) {
            known = readChunks(handle());
            handle().commit();
        }
        for (IN row : rows) {
            long value = Math.multiplyExact(chunks.partitionValue(row), scale);
            Chunk chunk = holding(value);
            if (chunk == null) {
                known.add(lastHit = create(row, value));
            } else if (chunk.compressed()) {
                known.set(known.indexOf(chunk), lastHit = decompress(chunk));
            }
        }
    }

    private Chunk holding(long value) {
        if (lastHit != null && lastHit.holds(value)) {
            return lastHit;
        }
        for (Chunk chunk : known) {
            if (chunk.holds(value)) {
                return lastHit = chunk;
            }
        }
        return null;
    }

    /** The chunk holding {@code value}: created by this call unless another writer was first. */
    private Chunk create(IN row, long value) throws SQLException {
        return inShortTransaction(handle -> {
            try (Statement lock = handle.createStatement()) {
                // The lock TimescaleDB takes to create a chunk: nobody creates one of this table until this commits.
                lock.execute("LOCK TABLE ONLY " + chunks.table() + " IN SHARE UPDATE EXCLUSIVE MODE");
            }
            Chunk chunk = chunkHolding(handle, value);
            if (chunk == null) {
                try (PreparedStatement insert = handle.prepareStatement(statement.query())) {
                    statement.statement(insert, row);
                    insert.executeUpdate();
                }
                chunk = chunkHolding(handle, value);
                if (chunk == null) {
                    throw new IllegalStateException("Writing a row of partition value " + value + " into "
                            + chunks.table() + " created no chunk holding it");
                }
                try (Statement delete = handle.createStatement()) {
                    // The chunk is new and nobody else can see it yet: the row just written is all it holds.
                    delete.execute("DELETE FROM " + chunk.name());
                }
                LOG.info("Created chunk {} of {} for partition value {}, outside the sink's transactions",
                        chunk.name(), chunks.table(), value);
            }
            return chunk;
        });
    }

    /** The chunk, decompressed unless it no longer was compressed. */
    private Chunk decompress(Chunk chunk) throws SQLException {
        return inShortTransaction(handle -> {
            Chunk now = chunkHolding(handle, chunk.start());
            if (now != null && now.compressed()) {
                try (Statement lock = handle.createStatement()) {
                    // Another writer may be decompressing it: the first one does, the others wait and find it done.
                    lock.execute("LOCK TABLE " + now.name() + " IN SHARE UPDATE EXCLUSIVE MODE");
                }
                now = chunkHolding(handle, chunk.start());
            }
            if (now != null && now.compressed()) {
                // TimescaleDB's decompress_chunk leaves a chunk that is not compressed alone, and so must another.
                try (PreparedStatement decompress = handle.prepareStatement(
                        "SELECT " + chunks.decompressFunction() + "(?::regclass)")) {
                    decompress.setString(1, now.name());
                    decompress.execute();
                }
                LOG.info("Decompressed chunk {} of {}, outside the sink's transactions: rows go into it; the"
                        + " compression policy compresses it again", now.name(), chunks.table());
            }
            return new Chunk(chunk.name(), chunk.start(), chunk.end(), false);
        });
    }

    /** What one short transaction of this preparer does. */
    private interface ChunkWork {
        Chunk run(Connection handle) throws SQLException;
    }

    /** Runs {@code work} in a transaction of its own (whose session waits at most the lock timeout for a lock). */
    private Chunk inShortTransaction(ChunkWork work) throws SQLException {
        Connection handle = handle();
        try {
            Chunk chunk = work.run(handle);
            handle.commit();
            return chunk;
        } catch (SQLException | RuntimeException e) {
            try {
                handle.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /** The chunk holding {@code value}, as this transaction sees the catalog; null if there is none. */
    private Chunk chunkHolding(Connection handle, long value) throws SQLException {
        for (Chunk chunk : readChunks(handle)) {
            if (chunk.holds(value)) {
                return chunk;
            }
        }
        return null;
    }

    private List<Chunk> readChunks(Connection handle) throws SQLException {
        List<Chunk> found = new ArrayList<>();
        try (PreparedStatement query = handle.prepareStatement(CHUNKS)) {
            query.setString(1, chunks.table());
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    long start = rs.getLong(3);
                    if (rs.wasNull()) {
                        start = Long.MIN_VALUE;
                    }
                    long end = rs.getLong(4);
                    if (rs.wasNull()) {
                        end = Long.MAX_VALUE;
                    }
                    found.add(new Chunk(rs.getString(1), start, end, rs.getBoolean(2)));
                }
            }
        }
        return found;
    }

    /** A chunk: its quoted name, its range [start, end) in the dimension's units, and whether it is compressed. */
    private record Chunk(String name, long start, long end, boolean compressed) {
        boolean holds(long value) {
            return start <= value && value < end;
        }
    }

    private boolean isHypertable() throws SQLException {
        if (hypertable == null) {
            Connection handle = handle();
            hypertable = false;
            try (Statement statement = handle.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")) {
                if (!rs.next()) {
                    handle.commit();
                    close();
                    return false; // plain PostgreSQL
                }
            }
            try (PreparedStatement query = handle.prepareStatement("SELECT h.num_dimensions, d.column_type::text"
                    + " FROM timescaledb_information.hypertables h JOIN timescaledb_information.dimensions d"
                    + " USING (hypertable_schema, hypertable_name)"
                    + " WHERE format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass = to_regclass(?)"
                    + " AND d.dimension_number = 1")) {
                query.setString(1, chunks.table());
                try (ResultSet rs = query.executeQuery()) {
                    if (rs.next()) {
                        if (rs.getInt(1) != 1) {
                            throw new IllegalStateException("Hypertable " + chunks.table() + " has " + rs.getInt(1)
                                    + " dimensions: the sink prepares chunks of hypertables partitioned by time alone");
                        }
                        String type = rs.getString(2);
                        scale = type.equals("smallint") || type.equals("integer") || type.equals("bigint") ? 1 : 1000;
                        hypertable = true;
                    }
                }
            }
            handle.commit();
            if (!hypertable) {
                close();
            }
        }
        return hypertable;
    }

    private Connection handle() throws SQLException {
        if (db == null) {
            db = connection.open();
            SessionLockTimeout.set(db, lockTimeout);
            db.setAutoCommit(false);
        }
        return db;
    }

    @Override
    public void close() {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException e) {
                LOG.debug("Could not close the chunk connection of {}", chunks.table(), e);
            }
            db = null;
        }
    }
}
