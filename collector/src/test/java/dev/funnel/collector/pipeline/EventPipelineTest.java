package dev.funnel.collector.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.enrich.BootClock;
import dev.funnel.collector.enrich.CgroupResolver;
import dev.funnel.collector.enrich.Enriched;
import dev.funnel.collector.enrich.EventEnricher;
import dev.funnel.collector.enrich.ProcFs;
import dev.funnel.collector.enrich.ProcessCache;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.collector.sink.EventSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backlog between the drain and the sink, driven the way the kernel source drives it
 * (events, then batchEnd, on one thread), without a kernel: a slow sink never blocks the
 * drain, overflow is dropped and counted, order is kept, close delivers everything queued.
 */
@Timeout(30)
class EventPipelineTest {
    /** A sink that records what it gets, and can be held shut until released. */
    static final class RecordingSink implements EventSink {
        final List<Long> times = new ArrayList<>();
        final CountDownLatch open = new CountDownLatch(1);
        volatile boolean closed;

        @Override
        public void write(List<Enriched> events) {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (times) {
                events.forEach(e -> times.add(e.event().getBootTimeNs()));
            }
        }

        @Override
        public long delivered() {
            synchronized (times) {
                return times.size();
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    EventEnricher enricher;
    final LossLedger loss = new LossLedger();

    @BeforeEach
    void setUp(@TempDir Path root) {
        ProcFs proc = new ProcFs(root);
        enricher = new EventEnricher(new BootClock(() -> 0L), proc, new ProcessCache(proc, 64),
                new CgroupResolver(root, proc, 64), 64);
    }

    static KernelEvent probe(long ts) {
        return new KernelEvent.Probe(new KernelEvent.Header(ts, 10, 1, 0, RecordLayout.TYPE_PROBE, 7, 7, 1, 0, 0, "w"));
    }

    /** One drained batch of n events, numbered from first. */
    static void drain(EventPipeline p, long first, int n) {
        for (int i = 0; i < n; i++) {
            p.accept(probe(first + i));
        }
        p.batchEnd();
    }

    @Test
    void aStuckSinkFillsTheBacklogThenDropsAreCountedNotBlocking() throws Exception {
        RecordingSink sink = new RecordingSink();
        EventPipeline p = new EventPipeline(enricher, sink, loss, 100);
        long t0 = System.nanoTime();
        drain(p, 0, 60);    // taken by the sink thread, which is now stuck in write()
        Thread.sleep(200);
        drain(p, 60, 60);   // queued: 60 of 100
        drain(p, 120, 60);  // only 40 fit
        drain(p, 180, 10);  // none fit
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "the drain never waited on the sink");
        assertEquals(100, p.queued());
        assertEquals(30, loss.snapshot().queueDropped(), "20 + 10 dropped, counted");
        assertEquals(190, p.enriched(), "every event was enriched, dropped or not");

        sink.open.countDown();
        p.close();
        assertTrue(sink.closed);
        assertEquals(160, sink.delivered(), "everything that was queued reached the sink");
        List<Long> expected = new ArrayList<>();
        for (long t = 0; t < 160; t++) {
            expected.add(t);
        }
        assertEquals(expected, sink.times, "in drain order: the newest were the ones dropped");
        assertNull(p.sinkFailure());
    }

    @Test
    void theSourcesCountersGoIntoTheLedger() {
        RecordingSink sink = new RecordingSink();
        sink.open.countDown();
        EventPipeline p = new EventPipeline(enricher, sink, loss, 100);
        p.counters(LossLedgerTest.source(12, 3, 1));
        assertEquals(new LossLedger.Snapshot(12, 3, 1, 0, 0), loss.snapshot());
        p.close();
    }
}
