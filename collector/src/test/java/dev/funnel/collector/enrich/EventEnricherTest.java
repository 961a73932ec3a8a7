package dev.funnel.collector.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.funnel.collector.event.KernelEvent;
import dev.funnel.collector.event.RecordLayout;
import dev.funnel.schema.ProcessContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process's context is built once and shared by its events while it holds (that is what
 * lets a batch carry it once), and rebuilt the moment anything in it changes.
 */
class EventEnricherTest {
    static final int PARENT = 100;
    static final int CHILD = 200;
    EventEnricher enricher;
    Path procRoot;

    @BeforeEach
    void setUp(@TempDir Path root) {
        procRoot = root;
        ProcFs proc = new ProcFs(root); // an empty /proc: only exec records give context (unless a test adds a process)
        enricher = new EventEnricher(new BootClock(() -> 1_000_000L), proc, new ProcessCache(proc, 64),
                new CgroupResolver(root, proc, 64), 64);
    }

    static KernelEvent.Header header(int pid, int ppid, String comm, long ts, int execSeq) {
        return new KernelEvent.Header(ts, pid * 10L, ppid * 10L, 0L, RecordLayout.TYPE_PROBE, pid, pid + 1, ppid, 1000,
                execSeq, comm);
    }

    static KernelEvent probe(int pid, int ppid, String comm, long ts) {
        return probe(pid, ppid, comm, ts, 1);
    }

    static KernelEvent probe(int pid, int ppid, String comm, long ts, int execSeq) {
        return new KernelEvent.Probe(header(pid, ppid, comm, ts, execSeq));
    }

    static KernelEvent exec(int pid, int ppid, String exe, long ts) {
        String comm = exe.substring(exe.lastIndexOf('/') + 1);
        return new KernelEvent.Exec(header(pid, ppid, comm, ts, 1), pid, exe, List.of(exe, "--flag"));
    }

    /** A live process in the test's /proc: started at boot tick 0 (the headers' pid * 10 ns), running exe. */
    void runs(int pid, String exe, String... argv) throws java.io.IOException {
        Path dir = java.nio.file.Files.createDirectories(procRoot.resolve(Integer.toString(pid)));
        java.nio.file.Files.writeString(dir.resolve("stat"), pid + " (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0\n");
        java.nio.file.Files.deleteIfExists(dir.resolve("exe"));
        java.nio.file.Files.createSymbolicLink(dir.resolve("exe"), Path.of(exe));
        java.nio.file.Files.writeString(dir.resolve("cmdline"), String.join("\0", argv) + "\0");
        java.nio.file.Files.writeString(dir.resolve("comm"), exe.substring(exe.lastIndexOf('/') + 1) + "\n");
    }

    @Test
    void execsAggregatedInTheKernelStillLeaveTheContextRight() throws Exception {
        // A shim chain in one PID: the collector saw the first exec's record (env), the kernel
        // aggregated the next two into the parent's child-exec burst. The process now runs python3.
        enricher.enrich(exec(CHILD, PARENT, "/usr/bin/env", 1));
        assertEquals("/usr/bin/env", enricher.enrich(probe(CHILD, PARENT, "env", 2, 1)).process().getExe());
        runs(CHILD, "/usr/bin/python3.11", "python3", "slow_http.py");
        ProcessContext after = enricher.enrich(probe(CHILD, PARENT, "python3", 3, 3)).process();
        assertEquals("/usr/bin/python3.11", after.getExe(), "the image after the last exec, not the first");
        assertEquals("python3 slow_http.py", after.getCmdline());
        assertSame(after, enricher.enrich(probe(CHILD, PARENT, "python3", 4, 3)).process(), "and cached again");
    }

    @Test
    void eventsOfOneProcessShareOneContext() {
        enricher.enrich(exec(CHILD, PARENT, "/usr/bin/worker", 1));
        Enriched a = enricher.enrich(probe(CHILD, PARENT, "worker", 2));
        Enriched b = enricher.enrich(probe(CHILD, PARENT, "worker", 3));
        assertSame(a.process(), b.process());
        assertNotSame(a.event(), b.event());
        assertEquals(CHILD + 1, b.event().getTid());
        assertEquals(1_000_003L, b.event().getTimeNs(), "boot clock + offset");
        ProcessContext c = b.process();
        assertEquals("/usr/bin/worker", c.getExe());
        assertEquals("/usr/bin/worker --flag", c.getCmdline());
        assertEquals(PARENT, c.getParent().getPid());
        assertNull(c.getParent().getExe(), "the parent was never seen exec'ing, and /proc has nothing");
        assertNull(b.event().getProcess(), "the context travels in the batch's table, not inline");
    }

    @Test
    void anExecRebuildsTheProcessAndItsChildrensContexts() {
        enricher.enrich(exec(CHILD, PARENT, "/usr/bin/worker", 1));
        ProcessContext before = enricher.enrich(probe(CHILD, PARENT, "worker", 2)).process();

        enricher.enrich(exec(PARENT, 1, "/usr/bin/supervisor", 3)); // the parent runs a new image
        ProcessContext parentExeced = enricher.enrich(probe(CHILD, PARENT, "worker", 4)).process();
        assertNotSame(before, parentExeced);
        assertEquals("/usr/bin/supervisor", parentExeced.getParent().getExe());

        enricher.enrich(exec(CHILD, PARENT, "/usr/bin/other", 5)); // so does the child
        ProcessContext childExeced = enricher.enrich(probe(CHILD, PARENT, "other", 6)).process();
        assertEquals("/usr/bin/other", childExeced.getExe());
        assertEquals("other", childExeced.getComm());
        assertSame(childExeced, enricher.enrich(probe(CHILD, PARENT, "other", 7)).process(), "and is shared again");
    }

    @Test
    void aChangeInTheKernelHeaderRebuildsTheContext() {
        ProcessContext first = enricher.enrich(probe(CHILD, PARENT, "worker", 1)).process();
        ProcessContext renamed = enricher.enrich(probe(CHILD, PARENT, "worker-2", 2)).process(); // prctl(PR_SET_NAME)
        assertEquals("worker-2", renamed.getComm());
        ProcessContext reparented = enricher.enrich(probe(CHILD, 1, "worker-2", 3)).process(); // its parent died
        assertEquals(1, reparented.getPpid());
        assertEquals(1, reparented.getParent().getPid());
        assertNotSame(first, renamed);
        assertNotSame(renamed, reparented);
        assertEquals(3, enricher.contextsBuilt());
    }
}
