package dev.funnel.schema.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.funnel.embedded.SharedPlatform;
import dev.funnel.schema.EventBatch;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Confluent framing through a real registry, and exact reasons for every kind of bad record. */
@Timeout(120)
class WireFormatTest {
    static SchemaRegistry registry;
    static int id;

    @BeforeAll
    static void register() throws Exception {
        registry = new SchemaRegistry(SharedPlatform.registry().url());
        id = registry.register("wire-test-value", EventBatch.getClassSchema());
    }

    @Test
    void aBatchRoundTripsThroughTheRegistry() throws Exception {
        EventBatch batch = Samples.batch(3);
        byte[] bytes = new WireEncoder<>(EventBatch.class, id).encode(batch);
        assertEquals(0, bytes[0], "magic byte");
        assertEquals(id, ConfluentWire.schemaId(bytes));
        assertEquals(batch, WireDecoder.of(EventBatch.class, registry).decode(bytes));
        assertEquals(id, registry.register("wire-test-value", EventBatch.getClassSchema()), "registration is idempotent");
    }

    @Test
    void everyKindOfBadRecordIsNamed() throws Exception {
        byte[] good = new WireEncoder<>(EventBatch.class, id).encode(Samples.batch(2));
        WireDecoder<EventBatch> d = WireDecoder.of(EventBatch.class, registry);
        assertReason(MalformedRecordException.Reason.EMPTY, d, new byte[0]);
        byte[] badMagic = good.clone();
        badMagic[0] = 7;
        assertReason(MalformedRecordException.Reason.BAD_MAGIC_BYTE, d, badMagic);
        byte[] unknownId = good.clone();
        unknownId[1] = 0x7f;
        assertReason(MalformedRecordException.Reason.UNKNOWN_SCHEMA_ID, d, unknownId);
        assertReason(MalformedRecordException.Reason.TRUNCATED_AVRO, d, Arrays.copyOf(good, good.length / 2));
        assertReason(MalformedRecordException.Reason.TRUNCATED_AVRO, d, Arrays.copyOf(good, 3));
    }

    @Test
    void aRegistryThatDoesNotAnswerIsNotABadRecord() throws Exception {
        byte[] good = new WireEncoder<>(EventBatch.class, id).encode(Samples.batch(2));
        int closed = dev.funnel.embedded.Ports.free(); // nothing listens there
        WireDecoder<EventBatch> away = WireDecoder.of(EventBatch.class, new SchemaRegistry("http://127.0.0.1:" + closed));
        assertThrows(RegistryUnavailableException.class, () -> away.decode(good), "read again later, never a dead letter");
        // The same registry answering "no such id" is the record's fault: a dead letter.
        byte[] unknownId = good.clone();
        unknownId[1] = 0x7f;
        assertReason(MalformedRecordException.Reason.UNKNOWN_SCHEMA_ID, WireDecoder.of(EventBatch.class, registry), unknownId);
    }

    static void assertReason(MalformedRecordException.Reason reason, WireDecoder<EventBatch> d, byte[] bytes) {
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> d.decode(bytes));
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
