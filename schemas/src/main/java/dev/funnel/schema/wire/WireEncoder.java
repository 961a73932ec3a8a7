package dev.funnel.schema.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes generated Avro records in the Confluent wire format with a registered schema id.
 * Reuses its buffer and encoder: not thread-safe, one per thread.
 */
public final class WireEncoder<T extends SpecificRecord> {
    private final int schemaId;
    private final SpecificDatumWriter<T> writer;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    private BinaryEncoder encoder;

    public WireEncoder(Class<T> type, int schemaId) {
        this.schemaId = schemaId;
        this.writer = new SpecificDatumWriter<>(type);
    }

    public int schemaId() {
        return schemaId;
    }

    public byte[] encode(T record) {
        out.reset();
        ConfluentWire.writeHeader(out, schemaId);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: never expected
        }
        return out.toByteArray();
    }
}
