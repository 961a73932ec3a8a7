package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.pipeline.KernelSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sweeper visits only the hot keys' list; when more keys are hot than the list holds, it
 * walks the whole bursts map instead, so a quiet key's last counts still leave the kernel.
 * With a list of one, three storms at once must still add up.
 */
@Timeout(120)
class SweeperTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void moreHotKeysThanTheListHoldsStillFlushEveryCount() throws Exception {
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        KernelConfig config = KernelConfig.builder().sensors(EnumSet.of(Sensor.PROCESS)).hotKeysMax(1).build();
        List<Long> parents = new ArrayList<>();
        try (KernelSource source = KernelSource.start(config, seen::add, 100)) {
            List<Thread> storms = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Thread t = new Thread(() -> {
                    try {
                        long pid = KernelTests.runWorkload("forks", "300");
                        synchronized (parents) {
                            parents.add(pid);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.start();
                storms.add(t);
            }
            for (Thread t : storms) {
                t.join();
            }
            // The workloads are done: their last counts can only leave through the sweeper.
            assertTrue(KernelTests.await(() -> parents.stream().allMatch(p -> ForkStormTest.forks(seen, p) == 300), 10_000),
                    "forks counted per storm: " + parents.stream().map(p -> ForkStormTest.forks(seen, p)).toList());
        }
    }
}
