package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import dev.funnel.collector.bpf.BpfSupport;
import dev.funnel.collector.bpf.NativeLoader;
import java.io.IOException;
import java.nio.file.Path;
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
        String why = "needs eBPF on this machine: " + BpfSupport.unavailabilityCause();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + " (CI=true: a skipped kernel test is not green)");
        }
        Assumptions.abort(why);
    }

    /** The funnel-workload helper built with the collector. */
    public static Path workload() throws IOException {
        return NativeLoader.tool("funnel-workload");
    }

    /** Runs funnel-workload with args to completion; returns its pid. */
    public static long runWorkload(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = workload().toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            fail("funnel-workload " + String.join(" ", args) + " failed: " + out);
        }
        System.out.println("workload: " + out);
        return p.pid();
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
