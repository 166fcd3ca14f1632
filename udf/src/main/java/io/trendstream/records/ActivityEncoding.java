package io.trendstream.records;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte format of {@link ActivityBundle}s (described on {@link ActivityBundleSerializer}), in one place: what
 * the {@link ActivityBundle.Builder} writes, the {@link ActivityBundle.Cursor} reads and the serializer checks.
 */
final class ActivityEncoding {
    static final byte ORDER = 0;
    static final byte VIEW = 1;

    private ActivityEncoding() {}

    /** Appends a view, its event time as an offset from its window's start. */
    static void writeView(String eventId, String userId, long eventTimeInWindow, Output out) {
        out.writeString(eventId);
        out.writeString(userId);
        out.writeByte(VIEW);
        out.writeVarLong(zigZag(eventTimeInWindow));
    }

    /** Appends an order's activity on one product, its event time as an offset from its window's start. */
    static void writeOrder(String eventId, String userId, long eventTimeInWindow, int units, long revenueCents, Output out) {
        out.writeString(eventId);
        out.writeString(userId);
        out.writeByte(ORDER);
        out.writeVarLong(zigZag(eventTimeInWindow));
        out.writeVarLong(zigZag(units));
        out.writeVarLong(zigZag(revenueCents));
    }

    /**
     * Reads {@code count} encoded activities from {@code in} into {@code out}, checking their structure: so a
     * {@link ActivityBundle.Cursor} over the copy never reads past its end.
     */
    static void copy(DataInputView in, int count, Output out) throws IOException {
        for (int i = 0; i < count; i++) {
            copyString(in, out);
            copyString(in, out);
            byte kind = in.readByte();
            if (kind != ORDER && kind != VIEW) {
                throw new IOException("unknown activity kind " + kind + " in a serialized ActivityBundle");
            }
            out.writeByte(kind);
            out.writeVarLong(readVarLong(in));
            if (kind == ORDER) {
                out.writeVarLong(readVarLong(in));
                out.writeVarLong(readVarLong(in));
            }
        }
    }

    private static void copyString(DataInputView in, Output out) throws IOException {
        int lengthPlusOne = readLengthField(in);
        out.writeVarLong(lengthPlusOne);
        if (lengthPlusOne > 1) {
            out.readFully(in, lengthPlusOne - 1);
        }
    }

    /** A string written by {@link Output#writeString}: {@code length} UTF-8 bytes at {@code offset}, null if negative. */
    static String string(byte[] bytes, int offset, int length) {
        return length < 0 ? null : new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    /** A string as {@link Output#writeString} writes it, to a view (the bundle's product id). */
    static void writeString(String value, DataOutputView out) throws IOException {
        byte[] utf8 = utf8(value);
        writeVarLong(lengthField(utf8), out);
        if (utf8 != null) {
            out.write(utf8);
        }
    }

    static String readString(DataInputView in) throws IOException {
        int lengthPlusOne = readLengthField(in);
        if (lengthPlusOne == 0) {
            return null;
        }
        byte[] utf8 = new byte[lengthPlusOne - 1];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /** A string's length field: its UTF-8 length + 1, {@code 0} for null. */
    private static long lengthField(byte[] utf8) {
        return utf8 == null ? 0 : utf8.length + 1L;
    }

    private static int readLengthField(DataInputView in) throws IOException {
        long lengthPlusOne = readVarLong(in);
        if (lengthPlusOne < 0 || lengthPlusOne > Integer.MAX_VALUE) {
            throw new IOException("malformed string length in a serialized ActivityBundle");
        }
        return (int) lengthPlusOne;
    }

    /** Unsigned LEB128, as in Avro and Protocol Buffers: 7 bits a byte, low bits first. */
    static void writeVarLong(long value, DataOutputView out) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    static long readVarLong(DataInputView in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IOException("malformed varint in a serialized ActivityBundle");
    }

    static long zigZag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    static long unZigZag(long value) {
        return (value >>> 1) ^ -(value & 1);
    }

    /** A growable byte array written directly, without a stream or a view per byte. */
    static final class Output {
        private byte[] bytes;
        private int length;

        Output(int capacity) {
            bytes = new byte[capacity];
        }

        void writeByte(byte b) {
            ensure(1);
            bytes[length++] = b;
        }

        void writeVarLong(long value) {
            ensure(10);
            while ((value & ~0x7FL) != 0) {
                bytes[length++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            bytes[length++] = (byte) value;
        }

        /** A varint of the UTF-8 length + 1 ({@code 0} for null), then the bytes. */
        void writeString(String value) {
            if (value != null && value.length() < 0x7F && writeAscii(value)) {
                return;
            }
            byte[] utf8 = utf8(value);
            writeVarLong(lengthField(utf8));
            if (utf8 != null) {
                ensure(utf8.length);
                System.arraycopy(utf8, 0, bytes, length, utf8.length);
                length += utf8.length;
            }
        }

        /**
         * Writes an ASCII string of under 127 characters (every id the generator makes) without encoding it into an
         * array of its own first: its UTF-8 length is its length, and its length field one byte. False, with nothing
         * written, for any other string.
         */
        private boolean writeAscii(String value) {
            int chars = value.length();
            ensure(1 + chars);
            int at = length + 1;
            for (int i = 0; i < chars; i++) {
                char c = value.charAt(i);
                if (c >= 0x80) {
                    return false;
                }
                bytes[at++] = (byte) c;
            }
            bytes[length] = (byte) (chars + 1);
            length = at;
            return true;
        }

        void readFully(DataInputView in, int count) throws IOException {
            ensure(count);
            in.readFully(bytes, length, count);
            length += count;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        void clear() {
            length = 0;
        }

        int capacity() {
            return bytes.length;
        }

        int length() {
            return length;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
