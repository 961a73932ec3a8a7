package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.Sensor;
import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.pipeline.KernelSource;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stage 1 on the real kernel: a fork storm is aggregated in the kernel, and nothing is lost. */
@Timeout(180)
class ForkStormTest {
    static final int FORKS = 10_000;

    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void tenThousandForksCrossAsAFewRecordsPerFlushWhoseCountsAddUp() throws Exception {
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        KernelConfig config = KernelConfig.builder().sensors(EnumSet.of(Sensor.PROCESS)).build();
        long parent;
        long stormNs;
        try (KernelSource source = KernelSource.start(config, seen::add, 100)) {
            long t0 = System.nanoTime();
            parent = KernelTests.runWorkload("forks", Integer.toString(FORKS));
            stormNs = System.nanoTime() - t0;
            // The last counts leave the kernel at the next flush (1 s) through the sweeper.
            boolean complete = KernelTests.await(
                    () -> forks(seen, parent) == FORKS && childExits(seen, parent) == FORKS, 15_000);
            assertTrue(complete, "forks seen " + forks(seen, parent) + ", child exits seen "
                    + childExits(seen, parent) + " of " + FORKS);
            assertEquals(0, source.emitStats().totalDrops(), "kernel ring drops");
        }
        List<KernelEvent> storm = seen.stream().filter(e -> about(e, parent)).toList();
        long singles = storm.stream().filter(e -> !(e instanceof KernelEvent.Burst)).count();
        System.out.printf("fork storm: %d forks + %d exits crossed as %d records (%d singles, %d bursts)%n",
                FORKS, FORKS, storm.size(), singles, storm.size() - singles);
        // Two keys cross (the parent's forks, its children's short exits), each as its cold
        // singles (the pre-threshold, before it turns hot), then one record per flush and one per
        // bucket for as long as the storm lasts: a bound that follows the storm's length, which
        // follows the machine (10,000 forks took 3-5 s here, and 14 s on a slow day: 132 records).
        long perKey = config.procPreThreshold() + stormNs / config.flushNs() + stormNs / config.bucketNs() + 2;
        assertTrue(storm.size() <= 2 * perKey, "records about the storm: " + storm.size() + ", at most "
                + 2 * perKey + " for a storm of " + stormNs / 1_000_000 + " ms");
        assertTrue(storm.stream().anyMatch(e -> e instanceof KernelEvent.Burst b
                && b.kind() == KernelEvent.BurstKind.FORK && b.count() > 1), "aggregated, not one record per fork");
        // The call site, taken once as the key turned hot and named while the forker ran. The
        // kernel walks user stacks by frame pointer: Debian 12's libc keeps none, so the walk
        // ends in libc's fork wrapper (where frame pointers are kept, e.g. Ubuntu 24.04, Fedora
        // 38+, it goes on into the caller). The innermost frame is always right.
        KernelEvent.Burst hot = storm.stream().filter(e -> e instanceof KernelEvent.Burst b
                && b.kind() == KernelEvent.BurstKind.FORK).map(e -> (KernelEvent.Burst) e).findFirst().orElseThrow();
        System.out.println("fork storm call site: " + hot.stack());
        assertTrue(hot.stackId() >= 0, "a stack id on the FORK burst");
        KernelEvent.Frame leaf = hot.stack().get(0);
        assertTrue(leaf.function() != null && leaf.function().contains("ork") && leaf.module().contains("libc.so"),
                "the innermost frame is libc's fork, named: " + hot.stack());
        assertTrue(storm.stream().allMatch(e -> !(e instanceof KernelEvent.Burst b)
                || b.kind() != KernelEvent.BurstKind.CHILD_SHORT_EXIT || b.stackId() < 0),
                "no stack on kinds whose current task is not the subject");
    }

    /** Records that belong to the storm: the parent's forks, its children's exits, and their bursts. */
    static boolean about(KernelEvent e, long parent) {
        if (e instanceof KernelEvent.Burst b) {
            return b.subjectPid() == parent;
        }
        if (e instanceof KernelEvent.Fork) {
            return e.header().pid() == parent;
        }
        return (e instanceof KernelEvent.Exit || e instanceof KernelEvent.Exec) && e.header().ppid() == parent;
    }

    static long forks(Queue<KernelEvent> seen, long parent) {
        long n = 0;
        for (KernelEvent e : seen) {
            if (e instanceof KernelEvent.Fork f && f.header().pid() == parent) {
                n++;
            } else if (e instanceof KernelEvent.Burst b && b.kind() == KernelEvent.BurstKind.FORK
                    && b.subjectPid() == parent) {
                n += b.count();
            }
        }
        return n;
    }

    static long childExits(Queue<KernelEvent> seen, long parent) {
        long n = 0;
        for (KernelEvent e : seen) {
            if (e instanceof KernelEvent.Exit x && x.header().ppid() == parent) {
                n++;
            } else if (e instanceof KernelEvent.Burst b && b.kind() == KernelEvent.BurstKind.CHILD_SHORT_EXIT
                    && b.subjectPid() == parent) {
                n += b.count();
            }
        }
        return n;
    }
}
