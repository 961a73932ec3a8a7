package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.EmitStats;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.collector.pipeline.KernelSource;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loss is counted, never silent: with a one-page ring, a consumer that looks only every
 * 200 ms and every fork emitted on its own, most records cannot be reserved, and
 * received + dropped must equal what the kernel tried to emit, exactly.
 */
@Timeout(180)
class TinyRingTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void receivedPlusDroppedEqualsAttempted() throws Exception {
        KernelConfig config = KernelConfig.builder()
                .sensors(EnumSet.of(Sensor.PROCESS))
                .ringBytes(4096)
                .wakeupBytes(1L << 62)              // never wake the consumer: it polls on its timeout
                .procPreThreshold(Integer.MAX_VALUE) // no aggregation: one record per fork and exit
                .build();
        AtomicLong handled = new AtomicLong();
        KernelSource source = KernelSource.start(config, e -> handled.incrementAndGet(), 200);
        try {
            KernelTests.runWorkload("forks", "3000");
        } finally {
            source.close(); // detach, drain the rest, snapshot the counters
        }
        EmitStats stats = source.emitStats();
        long received = source.receivedTotal() + source.malformed();
        System.out.printf("tiny ring: attempted %d, received %d, dropped %d%n",
                stats.totalAttempts(), received, stats.totalDrops());
        assertTrue(stats.totalDrops() > 0, "a 4 KiB ring under a storm must overflow");
        assertEquals(stats.totalAttempts(), received + stats.totalDrops(), "received + dropped == attempted");
        assertEquals(source.receivedTotal(), handled.get(), "every received record reached the handler");
        for (int type : new int[] {RecordLayout.TYPE_FORK, RecordLayout.TYPE_EXIT}) {
            assertEquals(stats.drops(type), stats.get(type, RecordLayout.STAT_DROPPED_EVENTS),
                    "singles: one event per dropped fork or exit record (bursts of a session's forks hold many)");
        }
    }
}
