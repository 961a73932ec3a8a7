package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.funnel.collector.Collector;
import dev.funnel.collector.config.CollectorConfig;
import dev.funnel.collector.enrich.Enriched;
import dev.funnel.collector.profile.CpuProfiler;
import dev.funnel.collector.sink.EventSink;
import dev.funnel.schema.CpuProfileDetail;
import dev.funnel.schema.EventType;
import dev.funnel.schema.SampledStack;
import dev.funnel.schema.StackFrame;
import dev.funnel.workloads.ContainerScope;
import dev.funnel.workloads.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cpu_profile sensor on the real kernel: a worker burning a core in handle_batch() inside
 * a cgroup v2 "container" is reported with its busiest function named, its container, exe and
 * parent; a stripped copy still gives module + offset (inside handle_batch, as nm of the
 * unstripped binary says, and the function's start from the unwind table); names are shared by
 * build id (a stripped copy of named code is named); code a JIT announced in /tmp/perf-PID.map is named from the map.
 */
@Timeout(180)
class CpuProfileTest {
    static final Queue<Enriched> seen = new ConcurrentLinkedQueue<>();
    static Collector collector;

    @BeforeAll
    static void start() {
        KernelTests.requireBpf();
        if (CpuProfiler.symbolsUnavailable() != null) {
            String why = "needs libdw to name user frames: " + CpuProfiler.symbolsUnavailable();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + " (CI=true: a skipped kernel test is not green)");
            }
            Assumptions.abort(why);
        }
        EventSink capture = KernelTests.capture(seen);
        collector = Collector.start(CollectorConfig.of(null, Map.of("sensors", "cpu_profile", "metrics.port", "0")),
                (host, loss) -> capture);
    }

    @AfterAll
    static void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    static List<Enriched> profilesOf(long pid) {
        return seen.stream().filter(e -> e.event().getType() == EventType.CPU_PROFILE
                && e.process().getPid() == pid).toList();
    }

    static StackFrame leaf(Enriched e) {
        SampledStack busiest = ((CpuProfileDetail) e.event().getDetail()).getStacks().get(0);
        return busiest.getFrames().get(0);
    }

    @Test
    void aWorkerSpinningInAContainerIsReportedWithItsFunctionContainerExeAndParent() throws Exception {
        long pid;
        try (ContainerScope scope = ContainerScope.create()) {
            Process p = scope.start(List.of(Workloads.binary().toString(), "spin", "4"));
            pid = p.pid();
            assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
            assertTrue(KernelTests.await(() -> profilesOf(pid).size() >= 2, 5_000), "profiles of the worker: " + seen.size()
                    + " events");
            Enriched e = profilesOf(pid).get(1); // a whole interval of spinning
            CpuProfileDetail d = (CpuProfileDetail) e.event().getDetail();
            assertTrue(d.getSamples() >= 0.5 * d.getSampleHz(), "at least half a core: " + d.getSamples() + " samples");
            assertEquals("handle_batch", leaf(e).getFunction(), "the busiest stack's innermost frame");
            assertTrue(leaf(e).getModule().endsWith("/funnel-workload"), leaf(e).getModule());
            assertNotNull(leaf(e).getBuildId(), "gcc links a build id");
            assertEquals(scope.id(), e.process().getContainerId());
            assertTrue(e.process().getExe().endsWith("/funnel-workload"), e.process().getExe());
            assertEquals(ProcessHandle.current().pid(), e.process().getPpid(), "the shell exec'd the worker: we are its parent");
        }
    }

    @Test
    void aStrippedBinaryStillGivesModuleAndOffsetInsideTheFunction() throws Exception {
        Path dir = Files.createTempDirectory("funnel-stripped-");
        Path stripped = dir.resolve("worker-stripped");
        try {
            // Stripped, and without its build id: with it, the copy would be the same code as the
            // original to the profiler, and named from its cache of names by build id.
            run("objcopy", "--strip-all", "--remove-section=.note.gnu.build-id", Workloads.binary().toString(),
                    stripped.toString());
            Files.setPosixFilePermissions(stripped, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            long[] fn = symbol(Workloads.binary(), "handle_batch");
            Process p = new ProcessBuilder(stripped.toString(), "spin", "3").redirectErrorStream(true).start();
            assertEquals(0, p.waitFor());
            assertTrue(KernelTests.await(() -> !profilesOf(p.pid()).isEmpty(), 5_000), "profiles of the stripped worker");
            StackFrame f = leaf(profilesOf(p.pid()).get(profilesOf(p.pid()).size() - 1));
            assertNull(f.getFunction(), "no symbol table: no name");
            assertNull(f.getBuildId(), "no build id note");
            assertTrue(f.getModule().endsWith("/worker-stripped"), f.getModule());
            assertTrue(f.getOffset() >= fn[0] && f.getOffset() < fn[0] + fn[1], "offset 0x" + Long.toHexString(f.getOffset())
                    + " inside handle_batch [0x" + Long.toHexString(fn[0]) + ", +" + fn[1] + ")");
            assertEquals(fn[0], f.getOffset() - f.getFunctionOffset(),
                    "the unwind table still bounds the function: its start, as nm of the unstripped copy says");
        } finally {
            Files.deleteIfExists(stripped);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void namesAreSharedByBuildIdSoAStrippedCopyOfNamedCodeIsNamedToo() throws Exception {
        Path dir = Files.createTempDirectory("funnel-buildid-");
        Path copy = dir.resolve("worker-stripped-same-id");
        try {
            Process original = new ProcessBuilder(Workloads.binary().toString(), "spin", "2").redirectErrorStream(true).start();
            assertEquals(0, original.waitFor());
            assertTrue(KernelTests.await(() -> !profilesOf(original.pid()).isEmpty(), 5_000), "profiles of the original");
            String buildId = leaf(profilesOf(original.pid()).get(0)).getBuildId();
            run("strip", "-o", copy.toString(), Workloads.binary().toString()); // keeps the build id note
            Process p = new ProcessBuilder(copy.toString(), "spin", "2").redirectErrorStream(true).start();
            assertEquals(0, p.waitFor());
            assertTrue(KernelTests.await(() -> !profilesOf(p.pid()).isEmpty(), 5_000), "profiles of the stripped copy");
            StackFrame f = leaf(profilesOf(p.pid()).get(0));
            assertEquals(buildId, f.getBuildId(), "strip keeps the build id");
            assertEquals("handle_batch", f.getFunction(), "named from the original's symbols, by build id");
            assertTrue(f.getModule().endsWith("/worker-stripped-same-id"), f.getModule());
        } finally {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void codeAJitAnnouncedInItsPerfMapIsNamedFromTheMap() throws Exception {
        Process p = new ProcessBuilder(Workloads.binary().toString(), "jitspin", "3").redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        assertTrue(KernelTests.await(() -> !profilesOf(p.pid()).isEmpty(), 5_000), "profiles of the JIT worker");
        StackFrame f = leaf(profilesOf(p.pid()).get(0));
        assertEquals("jit_handle_batch", f.getFunction());
        assertEquals("[jit]", f.getModule());
        assertTrue(Files.notExists(Path.of("/tmp/perf-" + p.pid() + ".map")), "the worker removed its map");
    }

    /** Address and size of a function in an ELF file, from nm (binutils, which gcc brings). */
    static long[] symbol(Path elf, String name) throws Exception {
        for (String line : run("nm", "-S", elf.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[3].equals(name)) {
                return new long[] {Long.parseLong(f[0], 16), Long.parseLong(f[1], 16)};
            }
        }
        throw new AssertionError(name + " not in nm -S " + elf);
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
