package dev.funnel.collector.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.schema.BurstDetail;
import dev.funnel.schema.BurstKind;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.EventType;
import dev.funnel.schema.ExecDetail;
import dev.funnel.schema.ExitDetail;
import dev.funnel.schema.ForkDetail;
import dev.funnel.schema.Loss;
import dev.funnel.schema.ParentInfo;
import dev.funnel.schema.ProcessInfo;
import dev.funnel.schema.SlowRequestDetail;
import dev.funnel.schema.wire.WireDecoder;
import dev.funnel.schema.wire.WireEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written encoder writes exactly the bytes Avro's own writer does, for every event type. */
class EventBatchEncoderTest {
    static ProcessInfo process(String comm, String exe, String cmdline, String cgroup, String container) {
        return new ProcessInfo(4242, 4243, 1_000L, 1_795_000_000_000_000_000L, 1, 1000, comm, exe, cmdline, 77L, cgroup,
                container, container == null ? null : "containerd");
    }

    static List<Event> everyKind() {
        ProcessInfo full = process("worker", "/usr/bin/wörker", "/usr/bin/wörker --jobs 8 ✓", "/kubepods/pod1/cri-containerd-ab",
                "ab".repeat(32));
        ProcessInfo bare = process("sh", null, null, null, null);
        ParentInfo parent = new ParentInfo(1, 5L, 1_794_999_999_000_000_000L, "systemd", "/usr/lib/systemd/systemd", null);
        ParentInfo unknown = new ParentInfo(0, 0L, 0L, null, null, null);
        List<Event> ev = new ArrayList<>();
        ev.add(new Event(EventType.FORK, 1L, 2L, full, parent, new ForkDetail(4300)));
        ev.add(new Event(EventType.EXEC, 3L, 4L, full, parent, new ExecDetail("./run", List.of("./run", "-x", ""), 4242)));
        ev.add(new Event(EventType.EXEC, 3L, 4L, bare, unknown, new ExecDetail("/bin/sh", List.of(), 4242)));
        ev.add(new Event(EventType.EXIT, 5L, 6L, bare, parent, new ExitDetail(1_500_000L, -1, 9)));
        ev.add(new Event(EventType.BURST, 7L, 8L, full, parent,
                new BurstDetail(BurstKind.CONNECT, 4242, 900, 10L, 20L, 950, "10.0.0.5", 443)));
        ev.add(new Event(EventType.BURST, 7L, 8L, full, parent,
                new BurstDetail(BurstKind.FD_OPEN, 4242, 90_000, 10L, 20L, 95_000, null, 0)));
        ev.add(new Event(EventType.SLOW_REQUEST, 9L, 10L, full, parent,
                new SlowRequestDetail(700_000_000L, 11L, 8080, "::1", 51515)));
        ev.add(new Event(EventType.PROBE, Long.MAX_VALUE, Long.MIN_VALUE, bare, unknown, null));
        return ev;
    }

    static EventBatch batch(List<Event> events) {
        return new EventBatch("host-ä", "boot-1", 123L, 4L, 5L, new Loss(1L, 2L, 3L, 4L, 10L), events);
    }

    @Test
    void writesTheSameBytesAsAvrosWriterForEveryEventType() {
        EventBatchEncoder fast = new EventBatchEncoder(7);
        WireEncoder<EventBatch> avro = new WireEncoder<>(EventBatch.class, 7);
        for (Event e : everyKind()) {
            EventBatch b = batch(List.of(e));
            assertArrayEquals(avro.encode(b), fast.encode(b), e.getType() + " " + e.getDetail());
        }
        EventBatch all = batch(everyKind());
        byte[] expected = avro.encode(all);
        assertArrayEquals(expected, fast.encode(all), "a whole batch");
        assertArrayEquals(expected, fast.encode(all), "again, every string from the cache");
        assertArrayEquals(avro.encode(batch(List.of())), fast.encode(batch(List.of())), "an empty batch (heartbeat)");
    }

    @Test
    void whatItWritesDecodesToTheSameBatch() throws Exception {
        EventBatch all = batch(everyKind());
        byte[] bytes = new EventBatchEncoder(7).encode(all);
        assertEquals(all, new WireDecoder<>(EventBatch.class, id -> EventBatch.getClassSchema()).decode(bytes));
    }
}
