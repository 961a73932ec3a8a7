package dev.funnel.job.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.funnel.job.model.EventRecord;
import dev.funnel.workloads.synthetic.SyntheticEvents;
import dev.funnel.schema.CpuProfileDetail;
import dev.funnel.schema.Event;
import dev.funnel.schema.EventBatch;
import dev.funnel.schema.SampledStack;
import dev.funnel.schema.StackFrame;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job reads batches of v1 collectors (context inline) and v2 collectors (context table) alike. */
class BatchMapperTest {
    static final long EPOCH = 1_000_000_000_000L;

    static List<Event> events(SyntheticEvents sim) {
        return List.of(sim.fork(0, 100, "/usr/bin/app", 200), sim.fork(1, 100, "/usr/bin/app", 201),
                sim.childExit(2, 200, 100, "/usr/bin/app", 5), sim.slowRequest(3, 300, "/usr/bin/web", 700, 8080),
                sim.connectBurst(4, 5, 100, "/usr/bin/app", 40, "10.0.0.1"));
    }

    @Test
    void aV1AndAV2BatchOfTheSameEventsMapToTheSameRecords() throws Exception {
        SyntheticEvents sim = new SyntheticEvents("h", EPOCH);
        EventBatch v2 = sim.batch(events(sim));
        EventBatch v1 = new SyntheticEvents("h", EPOCH).inlineBatch(events(sim));
        assertEquals(3, v2.getProcesses().size(), "pid 100's forks and connect burst share one context");
        EventRecord[] fromV2 = BatchMapper.events(v2, BatchMapper.info(v2));
        EventRecord[] fromV1 = BatchMapper.events(v1, BatchMapper.info(v1));
        assertEquals(5, fromV2.length);
        for (int i = 0; i < fromV2.length; i++) {
            for (Field f : EventRecord.class.getFields()) {
                assertEquals(f.get(fromV1[i]), f.get(fromV2[i]), "record " + i + ", " + f.getName());
            }
        }
        assertEquals("/usr/bin/app", fromV2[0].exe);
        assertEquals(100, fromV2[2].ppid);
    }

    @Test
    void anEventPointingOutsideTheTableIsRefusedByName() {
        SyntheticEvents sim = new SyntheticEvents("h", EPOCH);
        EventBatch b = sim.batch(events(sim));
        b.getEvents().get(3).setContext(9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchMapper.events(b, BatchMapper.info(b)));
        assertEquals("an event refers to process context 9 but the batch has 3", e.getMessage());
    }

    @Test
    void aCpuProfileBecomesItsLeafFramesWithSamplesAndAStrippedFunctionReadsAsItsStart() {
        StackFrame main = new StackFrame("main", "/usr/bin/app", 0x1100L, 0x10L, null, false);
        // Two stacks in one stripped function (at 0x2000 in the file) read as one frame; the
        // named one keeps its name; a kernel frame says so.
        CpuProfileDetail d = new CpuProfileDetail(40, 1_000_000_000L, 49, List.of(
                new SampledStack(20, List.of(new StackFrame(null, "/usr/lib/libz.so.1", 0x2044L, 0x44L, "ab", false), main)),
                new SampledStack(12, List.of(new StackFrame(null, "/usr/lib/libz.so.1", 0x2090L, 0x90L, "ab", false), main)),
                new SampledStack(6, List.of(new StackFrame("handle_batch", "/usr/bin/app", 0x1d4bL, 0xbL, null, false))),
                new SampledStack(2, List.of(new StackFrame("clear_page_erms", "[kernel]", 0xffffffff81a0001aL, 0x1aL, null,
                        true)))), 0);
        EventRecord r = new EventRecord();
        CpuFrames.fill(r, d);
        assertEquals(40, r.count);
        assertEquals(49, r.sampleHz);
        assertEquals(List.of("libz.so.1+0x2000", "handle_batch (app)", "clear_page_erms [kernel]"), List.of(r.frames));
        assertArrayEquals(new int[] {32, 6, 2}, r.frameSamples);
        assertEquals("libz.so.1+0x2000 < main (app)", r.hotStack);
    }
}
