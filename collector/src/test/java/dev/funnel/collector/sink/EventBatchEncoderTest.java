package dev.funnel.collector.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.enrich.Enriched;
import dev.funnel.schema.BurstDetail;
import dev.funnel.schema.BurstKind;
import dev.funnel.schema.CpuProfileDetail;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ExecDetail;
import dev.funnel.schema.ExitDetail;
import dev.funnel.schema.ForkDetail;
import dev.funnel.schema.Loss;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessContext;
import dev.funnel.schema.SampledStack;
import dev.funnel.schema.SlowRequestDetail;
import dev.funnel.schema.StackFrame;
import dev.funnel.schema.wire.ProcessContexts;
import dev.funnel.schema.wire.WireDecoder;
import dev.funnel.schema.wire.WireEncoder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hand-written encoder writes exactly the bytes Avro's own writer does for the same
 * batch, for every event type, with each process's context in the table once.
 */
class EventBatchEncoderTest {
    static final EventBatchEncoder.Header HEADER =
            new EventBatchEncoder.Header("host-ä", "boot-1", 123L, 4L, 5L, new Loss(1L, 2L, 3L, 4L, 10L));

    static ProcessContext context(String comm, String exe, String cmdline, String cgroup, String container, ParentInfo parent) {
        return new ProcessContext(4242, 1_000L, 1_795_000_000_000_000_000L, 1, 1000, comm, exe, cmdline, 77L, cgroup,
                container, container == null ? null : "containerd", parent);
    }

    static Enriched event(EventType type, long time, long boot, ProcessContext c, Object detail) {
        return new Enriched(new Event(type, time, boot, 4243, -1, null, null, detail), c);
    }

    static List<Enriched> everyKind() {
        ParentInfo parent = new ParentInfo(1, 5L, 1_794_999_999_000_000_000L, "systemd", "/usr/lib/systemd/systemd", null);
        ParentInfo unknown = new ParentInfo(0, 0L, 0L, null, null, null);
        ProcessContext full = context("worker", "/usr/bin/wörker", "/usr/bin/wörker --jobs 8 ✓",
                "/kubepods/pod1/cri-containerd-ab", "ab".repeat(32), parent);
        ProcessContext bare = context("sh", null, null, null, null, unknown);
        ProcessContext bareWithParent = context("sh", null, null, null, null, parent);
        List<Enriched> ev = new ArrayList<>();
        ev.add(event(EventType.FORK, 1L, 2L, full, new ForkDetail(4300)));
        ev.add(event(EventType.EXEC, 3L, 4L, full, new ExecDetail("./run", List.of("./run", "-x", ""), 4242)));
        ev.add(event(EventType.EXEC, 3L, 4L, bare, new ExecDetail("/bin/sh", List.of(), 4242)));
        ev.add(event(EventType.EXIT, 5L, 6L, bareWithParent, new ExitDetail(1_500_000L, -1, 9, 700, 1024L)));
        ev.add(event(EventType.BURST, 7L, 8L, full, new BurstDetail(BurstKind.CONNECT, 4242, 900, 10L, 20L, 950, "10.0.0.5", 443,
                List.of(new StackFrame("connect", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0x1234L, 0x10L, "abcd", false)))));
        ev.add(event(EventType.BURST, 7L, 8L, full, new BurstDetail(BurstKind.FD_OPEN, 4242, 90_000, 10L, 20L, 95_000, null, 0, List.of())));
        ev.add(event(EventType.SLOW_REQUEST, 9L, 10L, full, new SlowRequestDetail(700_000_000L, 11L, 8080, "::1", 51515)));
        ev.add(event(EventType.CPU_PROFILE, 11L, 12L, full, new CpuProfileDetail(49, 1_000_000_000L, 49, List.of(
                new SampledStack(44, List.of(new StackFrame("handle_batch", "/usr/bin/wörker", 0x1d4bL, 0x10L, "beef", false),
                        new StackFrame(null, null, 0x7f00_1234_5678L, -1L, null, false))),
                new SampledStack(5, List.of(new StackFrame("clear_page_erms", "[kernel]", 0x1aL, 0x10L, null, true)))), 2)));
        ev.add(event(EventType.PROBE, Long.MAX_VALUE, Long.MIN_VALUE, bare, null));
        return ev;
    }

    /** The batch the encoder should write, built the plain way: contexts numbered by first use. */
    static EventBatch expected(List<Enriched> events) {
        Map<ProcessContext, Integer> index = new IdentityHashMap<>();
        List<ProcessContext> table = new ArrayList<>();
        List<Event> out = new ArrayList<>();
        for (Enriched e : events) {
            int at = index.computeIfAbsent(e.process(), c -> {
                table.add(c);
                return table.size() - 1;
            });
            Event copy = Event.newBuilder(e.event()).build();
            copy.setContext(at);
            out.add(copy);
        }
        return new EventBatch(HEADER.host(), HEADER.bootId(), HEADER.run(), HEADER.seq(), HEADER.createdNs(), HEADER.loss(),
                table, out);
    }

    static PendingBatch pending(List<Enriched> events) {
        PendingBatch b = new PendingBatch();
        events.forEach(b::add);
        return b;
    }

    @Test
    void theSizeEstimateIsNeverBelowTheEncodedSize() {
        List<Enriched> all = new ArrayList<>(everyKind());
        ParentInfo parent = new ParentInfo(1, 5L, 6L, "make", "/usr/bin/make", "make -j2 " + "x".repeat(3000));
        for (int i = 0; i < 200; i++) { // a build: a new process per exec, long command lines
            List<String> argv = List.of("/usr/bin/cc", "-c", "file" + i + ".c", "-I" + "include/".repeat(200));
            ProcessContext cc = new ProcessContext(5000 + i, 7L, 8L, 1, 1000, "cc", "/usr/bin/cc", String.join(" ", argv),
                    77L, "/user.slice/build.scope", null, "systemd", parent);
            all.add(event(EventType.EXEC, 9L, 10L, cc, new ExecDetail("/usr/bin/cc", argv, 5000 + i)));
        }
        EventBatchEncoder enc = new EventBatchEncoder(7);
        for (int n : new int[] {0, 1, 8, 9, 208}) {
            PendingBatch b = pending(all.subList(0, n));
            int actual = enc.encode(HEADER, b).length;
            assertTrue(b.estimatedBytes() + 100 >= actual, n + " events: estimated " + b.estimatedBytes() + ", encoded " + actual);
        }
    }

    @Test
    void writesTheSameBytesAsAvrosWriterForEveryEventType() {
        EventBatchEncoder fast = new EventBatchEncoder(7);
        WireEncoder<EventBatch> avro = new WireEncoder<>(EventBatch.class, 7);
        for (Enriched e : everyKind()) {
            assertArrayEquals(avro.encode(expected(List.of(e))), fast.encode(HEADER, pending(List.of(e))),
                    e.event().getType() + " " + e.event().getDetail());
        }
        List<Enriched> all = everyKind();
        byte[] bytes = avro.encode(expected(all));
        assertArrayEquals(bytes, fast.encode(HEADER, pending(all)), "a whole batch");
        assertArrayEquals(bytes, fast.encode(HEADER, pending(all)), "again, every string from the cache");
        assertArrayEquals(avro.encode(expected(List.of())), fast.encode(HEADER, pending(List.of())), "an empty batch (heartbeat)");
    }

    @Test
    void eachProcessIsSentOncePerBatchAndReadsBackWhole() throws Exception {
        List<Enriched> all = everyKind();
        EventBatch read = new WireDecoder<>(EventBatch.class, id -> EventBatch.getClassSchema())
                .decode(new EventBatchEncoder(7).encode(HEADER, pending(all)));
        assertEquals(3, read.getProcesses().size(), "8 events of 3 processes");
        for (int i = 0; i < all.size(); i++) {
            Event e = read.getEvents().get(i);
            assertEquals(all.get(i).process(), ProcessContexts.of(read, e));
            assertEquals(4243, ProcessContexts.tid(e));
            assertEquals(all.get(i).event().getDetail(), e.getDetail());
        }
    }

    @Test
    void aBusyProcessCostsAFewBytesPerEvent() {
        List<Enriched> one = everyKind().subList(0, 1);
        List<Enriched> thousand = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add(one.get(0));
        }
        EventBatchEncoder enc = new EventBatchEncoder(7);
        int single = enc.encode(HEADER, pending(one)).length;
        int perEvent = (enc.encode(HEADER, pending(thousand)).length - single) / 999;
        assertTrue(perEvent <= 16, "a fork of a known process: " + perEvent + " bytes, its context once: " + single);
    }
}
