package dev.funnel.collector.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.collector.bpf.KernelBtf;
import dev.funnel.collector.bpf.KernelConfig;
import dev.funnel.collector.bpf.TrampolineProbe;
import dev.funnel.collector.pipeline.KernelSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real kernel's answer about trampolines and tracepoints, and the collector acting on it
 * with the default settings: fd bursts on fexit where it loads, off (saying why) where it does
 * not, never on syscall tracepoints unless asked; slow requests on the TCP-only send hook where
 * the kernel has it.
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

    /** The kernel's BTF says which tracepoints exist, as tracefs does; slow_request takes the TCP-only one where it is. */
    @Test
    void slowRequestsTakeTheTcpOnlySendHookWhereTheKernelHasIt() throws Exception {
        assertTrue(KernelBtf.hasTracepoint("sched_process_fork") && KernelBtf.hasTracepoint("sock_send_length"));
        assertTrue(!KernelBtf.hasTracepoint("sched_process_for"), "a whole name, not a prefix");
        boolean tcpSend = KernelBtf.hasTracepoint("tcp_sendmsg_locked");
        java.nio.file.Path events = java.nio.file.Path.of("/sys/kernel/tracing/events/tcp");
        if (java.nio.file.Files.isDirectory(events)) {
            assertEquals(java.nio.file.Files.isDirectory(events.resolve("tcp_sendmsg_locked")), tcpSend, "BTF and tracefs agree");
        }
        try (KernelSource source = KernelSource.start(KernelConfig.defaults(), e -> { }, 100)) {
            String hooks = String.join("; ", source.hooks());
            assertTrue(hooks.contains(tcpSend ? "slow_request on tcp:tcp_sendmsg_locked" : "slow_request on sock:sock_send_length"),
                    hooks);
        }
    }
}
