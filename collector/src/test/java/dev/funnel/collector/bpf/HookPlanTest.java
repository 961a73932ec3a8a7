package dev.funnel.collector.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Which hooks load: the cheapest the kernel allows, never a costly one the user did not ask
 * for, and the choice said in words. The kernel's answer about trampolines is injected here;
 * TrampolineProbeTest asks the real one.
 */
class HookPlanTest {
    static final Set<Sensor> DEFAULT = EnumSet.of(Sensor.PROCESS, Sensor.SLOW_REQUEST, Sensor.FD_BURST, Sensor.CONNECT_BURST);
    static final String REFUSED = "load BPF object: Operation not permitted (errno 1)";

    @Test
    void whereTrampolinesWorkFdBurstsUseFexit() {
        HookPlan p = HookPlan.of(DEFAULT, FdBurstHook.AUTO, () -> null, () -> SendHook.TCP_SENDMSG);
        assertTrue(p.programNames().contains("count_open_fexit"));
        assertFalse(p.programNames().contains("count_openat"), "no syscall tracepoint");
        assertTrue(p.choices().contains("fd_burst on fexit/do_sys_openat2"), p.choices().toString());
    }

    @Test
    void whereTheyAreRefusedFdBurstsAreOffAndTheReasonIsSaid() {
        HookPlan p = HookPlan.of(DEFAULT, FdBurstHook.AUTO, () -> REFUSED, () -> SendHook.TCP_SENDMSG);
        assertTrue(p.programNames().stream().noneMatch(n -> n.startsWith("count_open")), p.programNames().toString());
        String said = String.join("; ", p.choices());
        assertTrue(said.contains("fd_burst off") && said.contains(REFUSED) && said.contains("fd.burst.hook = syscalls"), said);
    }

    @Test
    void syscallTracepointsOnlyWhenAskedForAndTheKernelIsNotAsked() {
        AtomicInteger asked = new AtomicInteger();
        HookPlan p = HookPlan.of(DEFAULT, FdBurstHook.SYSCALLS, () -> {
            asked.incrementAndGet();
            return null;
        }, () -> SendHook.TCP_SENDMSG);
        assertEquals(Set.of("count_openat", "count_openat2", "count_open_legacy"),
                p.programs().stream().filter(a -> a.sensor() == Sensor.FD_BURST).map(HookPlan.Attach::program)
                        .collect(java.util.stream.Collectors.toSet()));
        assertEquals(0, asked.get());
        assertTrue(HookPlan.of(DEFAULT, FdBurstHook.OFF, () -> null, () -> SendHook.TCP_SENDMSG).programNames().stream()
                .noneMatch(n -> n.startsWith("count_open")));
    }

    @Test
    void fentryDemandedOnAKernelThatRefusesItIsAnErrorThatSaysWhatToDo() {
        BpfException e = assertThrows(BpfException.class,
                () -> HookPlan.of(DEFAULT, FdBurstHook.FENTRY, () -> REFUSED, () -> SendHook.TCP_SENDMSG));
        assertTrue(e.getMessage().contains(REFUSED) && e.getMessage().contains("fd.burst.hook = syscalls"), e.getMessage());
    }

    @Test
    void slowRequestsUseTheTcpOnlySendHookWhereTheKernelHasIt() {
        HookPlan tcp = HookPlan.of(DEFAULT, FdBurstHook.OFF, () -> null,
                () -> SendHook.forKernel(n -> n.equals("tcp_sendmsg_locked")));
        assertTrue(tcp.programNames().contains("request_end_tcp") && !tcp.programNames().contains("request_end"),
                tcp.programNames().toString());
        assertTrue(tcp.choices().contains("slow_request on tcp:tcp_sendmsg_locked (TCP sends only)"), tcp.choices().toString());
        HookPlan older = HookPlan.of(DEFAULT, FdBurstHook.OFF, () -> null, () -> SendHook.forKernel(n -> false));
        assertTrue(older.programNames().contains("request_end") && !older.programNames().contains("request_end_tcp"),
                older.programNames().toString());
        assertTrue(String.join("; ", older.choices()).contains("every socket send"), older.choices().toString());
        AtomicInteger asked = new AtomicInteger();
        HookPlan none = HookPlan.of(EnumSet.of(Sensor.PROCESS), FdBurstHook.OFF, () -> null, () -> {
            asked.incrementAndGet();
            return SendHook.TCP_SENDMSG;
        });
        assertTrue(none.programNames().stream().noneMatch(n -> n.startsWith("request_end")));
        assertEquals(0, asked.get(), "the kernel is not asked without slow_request");
    }

    @Test
    void oneTcpStateProgramServesBothSocketSensorsAndIsSwitchedPerSensor() {
        HookPlan both = HookPlan.of(DEFAULT, FdBurstHook.OFF, () -> null, () -> SendHook.TCP_SENDMSG);
        assertEquals(1, both.programs().stream().filter(a -> a.program().equals("tcp_state")).count());
        assertTrue(both.countConnects() && both.trackServers());
        HookPlan connects = HookPlan.of(EnumSet.of(Sensor.CONNECT_BURST), FdBurstHook.OFF, () -> null,
                () -> SendHook.TCP_SENDMSG);
        assertEquals(List.of("tcp_state"), connects.programs().stream().map(HookPlan.Attach::program).toList());
        assertTrue(connects.countConnects());
        assertFalse(connects.trackServers(), "no server sockets timed without slow_request");
    }
}
