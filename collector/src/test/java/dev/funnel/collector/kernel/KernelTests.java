package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.collector.enrich.Enriched;
import dev.funnel.collector.sink.EventSink;
import dev.funnel.workloads.Workloads;
import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared by the tests that need the real kernel. Elsewhere they skip with the reason; with
 * CI=true a skip would hide a broken kernel stage, so it fails instead.
 */
public final class KernelTests {
    private KernelTests() {}

    public static void requireBpf() {
        if (BpfSupport.isAvailable()) {
            return;
        }
        skipOrFail("needs eBPF on this machine: " + BpfSupport.unavailabilityCause());
    }

    /** Root, for tests that signal other users' processes, write ns_last_pid or the cgroup tree. */
    public static void requireRoot() {
        if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
            return;
        }
        skipOrFail("needs root (CAP_KILL, CAP_SYS_ADMIN, a writable cgroup2 tree)");
    }

    /**
     * A workload from Debian that a test runs (stress-ng, ...): skips when missing, fails with
     * CI=true (bin/funnel test installs them).
     */
    public static void requireCommand(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command))) {
                return;
            }
        }
        skipOrFail("needs " + command + " (apt-get install " + command + "; bin/funnel test installs it)");
    }

    private static void skipOrFail(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + " (CI=true: a skipped kernel test is not green)");
        }
        Assumptions.abort(why);
    }

    /** Runs the funnel-workload generator (tools/workloads) with args to completion; returns its pid. */
    public static long runWorkload(String... args) throws IOException, InterruptedException {
        Workloads.Result r = Workloads.run(args);
        System.out.println("workload: " + r.report());
        return r.pid();
    }

    /** A sink that keeps every enriched event in seen (a test reads it as the collector fills it). */
    public static EventSink capture(Queue<Enriched> seen) {
        return new EventSink() {
            @Override
            public void write(List<Enriched> events) {
                seen.addAll(events);
            }

            @Override
            public long delivered() {
                return seen.size();
            }

            @Override
            public void close() {}
        };
    }

    /** Polls until the condition holds or the timeout passes; returns whether it held. */
    public static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
