package dev.funnel.schema.wire;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes Confluent-framed Avro into a generated class, resolving each writer schema by id
 * through the registry (so records written with an older compatible schema still read), and
 * says exactly why a record cannot be read. Not thread-safe: one per thread.
 */
public final class WireDecoder<T extends SpecificRecord> {
    /** Where writer schemas come from: the registry, or a fixed map in tests. */
    public interface SchemaSource {
        Schema schemaById(int id) throws Exception;
    }

    private final SchemaSource schemas;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private BinaryDecoder decoder;

    public WireDecoder(Class<T> type, SchemaSource schemas) {
        this.schemas = schemas;
        this.readerSchema = SpecificData.get().getSchema(type);
    }

    public static <T extends SpecificRecord> WireDecoder<T> of(Class<T> type, SchemaRegistry registry) {
        return new WireDecoder<>(type, registry::schemaById);
    }

    public T decode(byte[] record) throws MalformedRecordException, RegistryUnavailableException {
        return decode(record, null);
    }

    /**
     * Decodes into reuse when given (Avro reuses its nested objects too). A writer schema the
     * registry does not answer for is RegistryUnavailableException, not a malformed record.
     */
    public T decode(byte[] record, T reuse) throws MalformedRecordException, RegistryUnavailableException {
        int id = ConfluentWire.schemaId(record);
        SpecificDatumReader<T> reader = readers.get(id);
        if (reader == null) {
            Schema writer;
            try {
                writer = schemas.schemaById(id);
            } catch (Exception e) {
                if (e instanceof SchemaRegistry.RegistryException r && r.unavailable()) {
                    throw new RegistryUnavailableException("schema id " + id + ": " + e.getMessage(), e);
                }
                throw new MalformedRecordException(MalformedRecordException.Reason.UNKNOWN_SCHEMA_ID,
                        "schema id " + id + ": " + e.getMessage(), e);
            }
            try {
                reader = new SpecificDatumReader<>(writer, readerSchema);
            } catch (AvroRuntimeException e) {
                throw new MalformedRecordException(MalformedRecordException.Reason.UNREADABLE_SCHEMA,
                        "schema id " + id + " cannot be read as " + readerSchema.getFullName(), e);
            }
            readers.put(id, reader);
        }
        decoder = DecoderFactory.get().binaryDecoder(record, ConfluentWire.HEADER_BYTES,
                record.length - ConfluentWire.HEADER_BYTES, decoder);
        try {
            T out = reader.read(reuse, decoder);
            if (!decoder.isEnd()) {
                throw new MalformedRecordException(MalformedRecordException.Reason.BAD_AVRO,
                        "trailing bytes after the record", null);
            }
            return out;
        } catch (EOFException e) {
            throw new MalformedRecordException(MalformedRecordException.Reason.TRUNCATED_AVRO,
                    "ended after " + record.length + " bytes", e);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRecordException(MalformedRecordException.Reason.BAD_AVRO, String.valueOf(e), e);
        }
    }
}
