package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * What the process programs tell beyond forks per process, on the real kernel: forks counted
 * per session (a tree where no process forks more than twice), failed children counted when
 * their exits are aggregated, and an exit that ran out of descriptors sent with the numbers.
 */
@Timeout(120)
class ProcessSignalsTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    static KernelSource start(Queue<KernelEvent> seen) {
        return KernelSource.start(KernelConfig.builder().sensors(EnumSet.of(Sensor.PROCESS)).ignoreTgid(0).build(),
                seen::add, 100);
    }

    @Test
    void aTreeWhereNoProcessForksMoreThanTwiceIsCountedInItsSession() throws Exception {
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        try (KernelSource source = start(seen)) {
            long root = KernelTests.runWorkload("tree", "600");
            int session = sidOf(ProcessHandle.current().pid()); // the tree runs in this JVM's session
            // The group key counts every fork of the session (ours too: this JVM is in it).
            assertTrue(KernelTests.await(() -> groupForks(seen, session) >= 599, 10_000),
                    "group forks of session " + session + ": " + groupForks(seen, session));
            assertTrue(seen.stream().noneMatch(e -> e instanceof KernelEvent.Burst b && b.kind() == KernelEvent.BurstKind.FORK
                    && b.subjectPid() == root), "the root forked twice: never aggregated per process");
        }
    }

    @Test
    void failedChildrenAreCountedWhenTheirExitsAreAggregated() throws Exception {
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        try (KernelSource source = start(seen)) {
            long parent = KernelTests.runWorkload("crashes", "200");
            // Each crash is either its own exit record (with SIGSEGV) or in a CHILD_FAILED_EXIT count.
            assertTrue(KernelTests.await(() -> failures(seen, parent) == 200, 10_000), "failures " + failures(seen, parent));
            assertTrue(seen.stream().anyMatch(e -> e instanceof KernelEvent.Burst b
                    && b.kind() == KernelEvent.BurstKind.CHILD_FAILED_EXIT && b.subjectPid() == parent), "aggregated");
        }
    }

    @Test
    void anExitOutOfDescriptorsCarriesTheNumbers() throws Exception {
        Queue<KernelEvent> seen = new ConcurrentLinkedQueue<>();
        try (KernelSource source = start(seen)) {
            long pid = KernelTests.runWorkload("leak", "512");
            assertTrue(KernelTests.await(() -> exit(seen, pid) != null, 10_000), "the leaker's exit record");
            KernelEvent.Exit x = exit(seen, pid);
            assertEquals(512, x.nofileLimit());
            assertEquals(512, x.openFds(), "every descriptor in use: EMFILE");
        }
    }

    static int sidOf(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]); // field 6: session
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long groupForks(Queue<KernelEvent> seen, int session) {
        return seen.stream().filter(e -> e instanceof KernelEvent.Burst b && b.kind() == KernelEvent.BurstKind.GROUP_FORK
                && b.subjectPid() == session).mapToLong(e -> ((KernelEvent.Burst) e).count()).sum();
    }

    static long failures(Queue<KernelEvent> seen, long parent) {
        long singles = seen.stream().filter(e -> e instanceof KernelEvent.Exit x && x.header().ppid() == parent
                && x.signal() == 11).count();
        long counted = seen.stream().filter(e -> e instanceof KernelEvent.Burst b
                && b.kind() == KernelEvent.BurstKind.CHILD_FAILED_EXIT && b.subjectPid() == parent)
                .mapToLong(e -> ((KernelEvent.Burst) e).count()).sum();
        return singles + counted;
    }

    static KernelEvent.Exit exit(Queue<KernelEvent> seen, long pid) {
        return seen.stream().filter(e -> e instanceof KernelEvent.Exit x && x.header().pid() == pid)
                .map(e -> (KernelEvent.Exit) e).findFirst().orElse(null);
    }
}
