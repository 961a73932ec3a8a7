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
        HookPlan p = HookPlan.of(DEFAULT, FdBurstHook.AUTO, () -> null);
        assertTrue(p.programNames().contains("count_open_fexit"));
        assertFalse(p.programNames().contains("count_openat"), "no syscall tracepoint");
        assertTrue(p.choices().contains("fd_burst on fexit/do_sys_openat2"), p.choices().toString());
    }

    @Test
    void whereTheyAreRefusedFdBurstsAreOffAndTheReasonIsSaid() {
        HookPlan p = HookPlan.of(DEFAULT, FdBurstHook.AUTO, () -> REFUSED);
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
        });
        assertEquals(Set.of("count_openat", "count_openat2", "count_open_legacy"),
                p.programs().stream().filter(a -> a.sensor() == Sensor.FD_BURST).map(HookPlan.Attach::program)
                        .collect(java.util.stream.Collectors.toSet()));
        assertEquals(0, asked.get());
        assertTrue(HookPlan.of(DEFAULT, FdBurstHook.OFF, () -> null).programNames().stream()
                .noneMatch(n -> n.startsWith("count_open")));
    }

    @Test
    void fentryDemandedOnAKernelThatRefusesItIsAnErrorThatSaysWhatToDo() {
        BpfException e = assertThrows(BpfException.class, () -> HookPlan.of(DEFAULT, FdBurstHook.FENTRY, () -> REFUSED));
        assertTrue(e.getMessage().contains(REFUSED) && e.getMessage().contains("fd.burst.hook = syscalls"), e.getMessage());
    }

    @Test
    void oneTcpStateProgramServesBothSocketSensorsAndIsSwitchedPerSensor() {
        HookPlan both = HookPlan.of(DEFAULT, FdBurstHook.OFF, () -> null);
        assertEquals(1, both.programs().stream().filter(a -> a.program().equals("tcp_state")).count());
        assertTrue(both.countConnects() && both.trackServers());
        HookPlan connects = HookPlan.of(EnumSet.of(Sensor.CONNECT_BURST), FdBurstHook.OFF, () -> null);
        assertEquals(List.of("tcp_state"), connects.programs().stream().map(HookPlan.Attach::program).toList());
        assertTrue(connects.countConnects());
        assertFalse(connects.trackServers(), "no server sockets timed without slow_request");
    }
}
