package dev.funnel.collector.sink;

import dev.funnel.collector.enrich.Enriched;
import dev.funnel.schema.Event;
import dev.funnel.schema.Loss;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
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
 * An EventBatch (v2) in the Confluent wire format, byte for byte what Avro's
 * SpecificDatumWriter writes for it (EventBatchEncoderTest compares the two over every event
 * type), but cheaper:
 * <ul>
 *   <li>each process's context goes into the batch's table once, however many of its events
 *       the batch holds (the table is built as events come, see {@link PendingBatch});
 *   <li>the strings of the contexts are the same String objects batch after batch, so their
 *       UTF-8 bytes are made once and kept;
 *   <li>the header, contexts and events are written field by field in schema order; only the
 *       small per-type detail goes through Avro's own writer.
 * </ul>
 *
 * <p>Not thread-safe: one per sink thread. Memory: at most {@value #CACHE_MAX} cached strings.
 */
public final class EventBatchEncoder {
    static final int CACHE_MAX = 8192;

    /** What a batch says besides its events; loss counts as in EventBatch.avsc. */
    public record Header(String host, String bootId, long run, long seq, long createdNs, Loss loss) {}

    private final int schemaId;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    private final SpecificDatumWriter<Object> details =
            new SpecificDatumWriter<>(Event.getClassSchema().getField("detail").schema());
    private final IdentityHashMap<String, Utf8> utf8 = new IdentityHashMap<>();
    private BinaryEncoder enc;

    public EventBatchEncoder(int schemaId) {
        this.schemaId = schemaId;
    }

    public byte[] encode(Header h, PendingBatch batch) {
        out.reset();
        ConfluentWire.writeHeader(out, schemaId);
        enc = EncoderFactory.get().binaryEncoder(out, enc);
        try {
            string(h.host());
            string(h.bootId());
            enc.writeLong(h.run());
            enc.writeLong(h.seq());
            enc.writeLong(h.createdNs());
            Loss l = h.loss();
            enc.writeLong(l.getKernelDroppedSincePrev());
            enc.writeLong(l.getKernelUntrackedSincePrev());
            enc.writeLong(l.getQueueDroppedSincePrev());
            enc.writeLong(l.getKafkaFailedSincePrev());
            enc.writeLong(l.getLostTotal());
            List<ProcessContext> contexts = batch.contexts();
            enc.writeArrayStart();
            enc.setItemCount(contexts.size());
            for (ProcessContext c : contexts) {
                enc.startItem();
                context(c);
            }
            enc.writeArrayEnd();
            List<Enriched> events = batch.events();
            enc.writeArrayStart();
            enc.setItemCount(events.size());
            for (int i = 0; i < events.size(); i++) {
                enc.startItem();
                event(events.get(i).event(), batch.contextOf(i));
            }
            enc.writeArrayEnd();
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: never expected
        }
        return out.toByteArray();
    }

    private void context(ProcessContext c) throws IOException {
        enc.writeInt(c.getPid());
        enc.writeLong(c.getStartBootNs());
        enc.writeLong(c.getStartTimeNs());
        enc.writeInt(c.getPpid());
        enc.writeInt(c.getUid());
        string(c.getComm());
        nullable(c.getExe());
        nullable(c.getCmdline());
        enc.writeLong(c.getCgroupId());
        nullable(c.getCgroupPath());
        nullable(c.getContainerId());
        nullable(c.getContainerRuntime());
        ParentInfo q = c.getParent();
        enc.writeInt(q.getPid());
        enc.writeLong(q.getStartBootNs());
        enc.writeLong(q.getStartTimeNs());
        nullable(q.getComm());
        nullable(q.getExe());
        nullable(q.getCmdline());
    }

    private void event(Event e, int context) throws IOException {
        enc.writeEnum(e.getType().ordinal());
        enc.writeLong(e.getTimeNs());
        enc.writeLong(e.getBootTimeNs());
        enc.writeInt(e.getTid());
        enc.writeInt(context);
        enc.writeIndex(0); // process: null, it is in the table
        enc.writeIndex(0); // parent: likewise
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
