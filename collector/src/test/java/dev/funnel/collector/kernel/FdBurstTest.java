package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.FdBurstHook;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.pipeline.KernelSource;
import java.util.EnumSet;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * fd bursts where the user accepted syscall tracepoints (fd.burst.hook = syscalls, the only
 * hook on kernels without trampolines): 20,000 opens cross as a few counts that add up.
 */
@Timeout(120)
class FdBurstTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void twentyThousandOpensCrossAsCountsThatAddUp() throws Exception {
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        KernelConfig config = KernelConfig.builder().sensors(EnumSet.of(Sensor.FD_BURST))
                .fdBurstHook(FdBurstHook.SYSCALLS).ignoreTgid(0).build();
        try (KernelSource source = KernelSource.start(config, seen::add, 100)) {
            long pid = KernelTests.runWorkload("opens", "20000");
            assertTrue(KernelTests.await(() -> opens(seen, pid) >= 20_000, 10_000), "opens counted " + opens(seen, pid));
            long records = seen.stream().filter(e -> e.header().pid() == pid).count();
            assertTrue(records < 60, "aggregated in the kernel: " + records + " records");
            assertTrue(source.hooks().toString().contains("syscall tracepoints"), source.hooks().toString());
        }
    }

    /** Opens counted for pid: at least the workload's 20,000 (its loader's own opens come too). */
    static long opens(Queue<KernelEvent> seen, long pid) {
        return seen.stream().filter(e -> e instanceof KernelEvent.Burst b && b.kind() == KernelEvent.BurstKind.FD_OPEN
                && b.header().pid() == pid).mapToLong(e -> ((KernelEvent.Burst) e).count()).sum();
    }
}
