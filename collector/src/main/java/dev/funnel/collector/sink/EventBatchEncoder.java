package dev.funnel.collector.sink;

import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.Loss;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessInfo;
import dev.funnel.schema.wire.ConfluentWire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.Utf8;

/**
 * EventBatch in the Confluent wire format, byte for byte what Avro's SpecificDatumWriter
 * writes (EventBatchEncoderTest compares the two over every event type), but cheaper: the
 * strings of the process context (comm, exe, command line, cgroup path) are the same String
 * objects event after event, handed out by the decoder's and enricher's caches, so their UTF-8
 * bytes are made once and kept. Re-encoding every string of every event was the largest part
 * of the collector's CPU. The event header, ProcessInfo and ParentInfo are written field by
 * field in schema order; the small per-type detail goes through Avro's own writer.
 *
 * <p>Not thread-safe: one per sink thread. Memory: at most {@value #CACHE_MAX} cached strings.
 */
public final class EventBatchEncoder {
    static final int CACHE_MAX = 8192;

    private final int schemaId;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    private final SpecificDatumWriter<Object> details =
            new SpecificDatumWriter<>(Event.getClassSchema().getField("detail").schema());
    private final IdentityHashMap<String, Utf8> utf8 = new IdentityHashMap<>();
    private BinaryEncoder enc;

    public EventBatchEncoder(int schemaId) {
        this.schemaId = schemaId;
    }

    public byte[] encode(EventBatch b) {
        out.reset();
        ConfluentWire.writeHeader(out, schemaId);
        enc = EncoderFactory.get().binaryEncoder(out, enc);
        try {
            string(b.getHost());
            string(b.getBootId());
            enc.writeLong(b.getCollectorRun());
            enc.writeLong(b.getSeq());
            enc.writeLong(b.getCreatedNs());
            Loss l = b.getLoss();
            enc.writeLong(l.getKernelDroppedSincePrev());
            enc.writeLong(l.getKernelUntrackedSincePrev());
            enc.writeLong(l.getQueueDroppedSincePrev());
            enc.writeLong(l.getKafkaFailedSincePrev());
            enc.writeLong(l.getLostTotal());
            List<Event> events = b.getEvents();
            enc.writeArrayStart();
            enc.setItemCount(events.size());
            for (Event e : events) {
                enc.startItem();
                event(e);
            }
            enc.writeArrayEnd();
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: never expected
        }
        return out.toByteArray();
    }

    private void event(Event e) throws IOException {
        enc.writeEnum(e.getType().ordinal());
        enc.writeLong(e.getTimeNs());
        enc.writeLong(e.getBootTimeNs());
        ProcessInfo p = e.getProcess();
        enc.writeInt(p.getPid());
        enc.writeInt(p.getTid());
        enc.writeLong(p.getStartBootNs());
        enc.writeLong(p.getStartTimeNs());
        enc.writeInt(p.getPpid());
        enc.writeInt(p.getUid());
        string(p.getComm());
        nullable(p.getExe());
        nullable(p.getCmdline());
        enc.writeLong(p.getCgroupId());
        nullable(p.getCgroupPath());
        nullable(p.getContainerId());
        nullable(p.getContainerRuntime());
        ParentInfo q = e.getParent();
        enc.writeInt(q.getPid());
        enc.writeLong(q.getStartBootNs());
        enc.writeLong(q.getStartTimeNs());
        nullable(q.getComm());
        nullable(q.getExe());
        nullable(q.getCmdline());
        details.write(e.getDetail(), enc);
    }

    /** A ["null", "string"] union. */
    private void nullable(String s) throws IOException {
        if (s == null) {
            enc.writeIndex(0);
        } else {
            enc.writeIndex(1);
            string(s);
        }
    }

    private void string(String s) throws IOException {
        Utf8 u = utf8.get(s);
        if (u == null) {
            if (utf8.size() >= CACHE_MAX) {
                utf8.clear(); // strings of processes long gone: start over
            }
            u = new Utf8(s.getBytes(StandardCharsets.UTF_8));
            utf8.put(s, u);
        }
        enc.writeString(u);
    }
}
