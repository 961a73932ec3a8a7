package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.TrampolineProbe;
import dev.funnel.collector.pipeline.KernelSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real kernel's answer about trampolines, and the collector acting on it with the default
 * settings: fd bursts on fexit where it loads, off (saying why) where it does not, never on
 * syscall tracepoints unless asked.
 */
@Timeout(60)
class TrampolineProbeTest {
    @BeforeAll
    static void kernel() {
        KernelTests.requireBpf();
    }

    @Test
    void theDefaultFdBurstHookFollowsWhatTheKernelAllows() throws Exception {
        String refused = TrampolineProbe.refusal();
        System.out.println("trampolines here: " + (refused == null ? "allowed" : "refused: " + refused));
        try (KernelSource source = KernelSource.start(KernelConfig.defaults(), e -> { }, 100)) {
            String hooks = String.join("; ", source.hooks());
            System.out.println("hooks: " + hooks);
            if (refused == null) {
                assertTrue(hooks.contains("fd_burst on fexit/do_sys_openat2"), hooks);
            } else {
                assertTrue(hooks.contains("fd_burst off") && hooks.contains(refused), hooks);
            }
            assertTrue(!hooks.contains("syscall tracepoints (fd.burst.hook = syscalls"), hooks);
        }
    }
}
