package dev.funnel.schema.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.embedded.SharedPlatform;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A job reads batches of v1 collectors (context inline in every event) and of v2 collectors
 * (context once per batch) alike: the same process comes out of both.
 */
@Timeout(120)
class ProcessContextsTest {
    @Test
    void aV2EventPointsIntoTheBatchsTable() {
        EventBatch b = Samples.batch(3);
        for (int i = 0; i < 3; i++) {
            Event e = b.getEvents().get(i);
            assertSame(b.getProcesses().get(i), ProcessContexts.of(b, e));
            assertEquals(100 + i, ProcessContexts.tid(e));
            Event inline = ProcessContexts.inline(b, e);
            assertEquals(100 + i, inline.getProcess().getPid());
            assertEquals(100 + i, inline.getProcess().getTid());
            assertEquals("/usr/bin/worker", inline.getProcess().getExe());
            assertEquals("systemd", inline.getParent().getComm());
        }
    }

    @Test
    void aBatchAV1CollectorWroteReadsAsTheSameProcesses() throws Exception {
        Schema v1 = SchemaEvolutionTest.history("EventBatch").get(0);
        SchemaRegistry registry = new SchemaRegistry(SharedPlatform.registry().url());
        String subject = "contexts-" + System.nanoTime() + "-value";
        int v1Id = registry.register(subject, v1);
        registry.register(subject, EventBatch.getClassSchema()); // the registry agrees v2 reads v1

        EventBatch read = WireDecoder.of(EventBatch.class, registry).decode(asWrittenBy(v1, v1Id, Samples.inlineBatch(3)));

        assertTrue(read.getProcesses().isEmpty());
        for (int i = 0; i < 3; i++) {
            Event e = read.getEvents().get(i);
            assertEquals(-1, e.getContext());
            assertEquals(Samples.worker(100 + i), ProcessContexts.of(read, e));
            assertEquals(100 + i, ProcessContexts.tid(e));
        }
    }

    @Test
    void anIndexOutsideTheTableIsNamed() {
        EventBatch b = Samples.batch(2);
        b.getEvents().get(1).setContext(7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessContexts.of(b, b.getEvents().get(1)));
        assertEquals("an event refers to process context 7 but the batch has 2", e.getMessage());
        b.getEvents().get(0).setContext(-1);
        assertNull(b.getEvents().get(0).getProcess());
        assertThrows(IllegalArgumentException.class, () -> ProcessContexts.of(b, b.getEvents().get(0)));
    }

    /** The bytes a v1 collector would have sent for b (whose events carry their context inline). */
    static byte[] asWrittenBy(Schema v1, int v1Id, EventBatch b) throws Exception {
        ByteArrayOutputStream v2Bytes = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(v2Bytes, null);
        new SpecificDatumWriter<EventBatch>(EventBatch.class).write(b, enc);
        enc.flush();
        GenericRecord asV1 = new GenericDatumReader<GenericRecord>(EventBatch.getClassSchema(), v1)
                .read(null, DecoderFactory.get().binaryDecoder(v2Bytes.toByteArray(), null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfluentWire.writeHeader(out, v1Id);
        enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(asV1, enc);
        enc.flush();
        return out.toByteArray();
    }
}
