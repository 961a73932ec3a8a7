package dev.funnel.schema.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The Confluent Schema Registry wire format: magic byte 0, the writer schema's registry id
 * as a 4-byte big-endian int, then the Avro binary body.
 */
public final class ConfluentWire {
    public static final byte MAGIC = 0;
    public static final int HEADER_BYTES = 5;

    private ConfluentWire() {}

    /** The schema id of a framed record; throws naming what is wrong with the frame. */
    public static int schemaId(byte[] record) throws MalformedRecordException {
        if (record == null || record.length == 0) {
            throw new MalformedRecordException(MalformedRecordException.Reason.EMPTY, "no bytes", null);
        }
        if (record[0] != MAGIC) {
            throw new MalformedRecordException(MalformedRecordException.Reason.BAD_MAGIC_BYTE,
                    "first byte is " + record[0] + ", not 0", null);
        }
        if (record.length < HEADER_BYTES) {
            throw new MalformedRecordException(MalformedRecordException.Reason.TRUNCATED_AVRO,
                    record.length + " bytes, shorter than the 5-byte header", null);
        }
        return ByteBuffer.wrap(record, 1, 4).getInt();
    }

    /** The 5-byte frame header, before the Avro body. */
    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }
}
