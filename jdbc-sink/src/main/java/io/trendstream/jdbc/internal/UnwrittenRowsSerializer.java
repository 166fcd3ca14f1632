package io.trendstream.jdbc.internal;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer's state: rows that reached a checkpoint without a transaction (see {@link XaJdbcWriter}).
 * Versions 1 and 2 are the JDBC connector's writer state (the transactions it had prepared and the one
 * it had open), which earlier versions of the sink stored. That writer committed its transactions while
 * taking the snapshot and its open transaction was never prepared, so such a state holds nothing to
 * write or commit and restores as no rows.
 */
@Internal
public final class UnwrittenRowsSerializer<IN> implements SimpleVersionedSerializer<List<IN>> {
    /** The highest version of flink-connector-jdbc's JdbcWriterStateSerializer (4.0.0-2.0). */
    private static final int CONNECTOR_WRITER_STATE = 2;
    private static final int UNWRITTEN_ROWS = 3;

    private final TypeSerializer<IN> rowSerializer;

    public UnwrittenRowsSerializer(TypeSerializer<IN> rowSerializer) {
        this.rowSerializer = rowSerializer;
    }

    @Override
    public int getVersion() {
        return UNWRITTEN_ROWS;
    }

    @Override
    public byte[] serialize(List<IN> rows) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(rows.size());
        for (IN row : rows) {
            rowSerializer.serialize(row, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public List<IN> deserialize(int version, byte[] serialized) throws IOException {
        if (version <= CONNECTOR_WRITER_STATE) {
            return List.of();
        }
        if (version != UNWRITTEN_ROWS) {
            throw new IOException("Unknown version " + version + " of the JDBC sink's writer state");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int count = in.readInt();
        List<IN> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(rowSerializer.deserialize(in));
        }
        return rows;
    }
}
