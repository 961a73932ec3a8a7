package dev.funnel.collector.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Java side and the object agree on names: constants, programs, maps. No root needed. */
class KernelConfigTest {
    @Test
    void everyConstantAndProgramTheConfigNamesExistsInTheObject() {
        try (BpfObject obj = BpfObject.openEmbedded()) {
            // Every sensor, fd_burst on syscall tracepoints: throws naming any constant or program that is missing.
            KernelConfig all = KernelConfig.builder().sensors(java.util.EnumSet.allOf(Sensor.class)).build();
            all.applyTo(obj, HookPlan.of(all.sensors(), FdBurstHook.SYSCALLS, () -> null, () -> SendHook.TCP_SENDMSG));
            Set<String> inObject = obj.programs().stream().map(BpfObject.Program::name).collect(Collectors.toSet());
            Set<String> known = new HashSet<>();
            for (Sensor s : Sensor.values()) {
                known.addAll(s.programs());
            }
            for (FdBurstHook h : FdBurstHook.values()) {
                known.addAll(h.programs());
            }
            for (SendHook h : SendHook.values()) {
                known.add(h.program());
            }
            known.add(Sensor.SWEEP_PROGRAM);
            assertEquals(inObject, known, "every program belongs to a sensor, an fd_burst or send hook (or is the sweeper)");
        }
    }

    @Test
    void anUnknownConstantIsAnErrorNamingIt() {
        try (BpfObject obj = BpfObject.openEmbedded()) {
            BpfException e = assertThrows(BpfException.class, () -> obj.setU64("no_such_knob", 1));
            assertTrue(e.getMessage().contains("no_such_knob"), e.getMessage());
            BpfException size = assertThrows(BpfException.class, () -> obj.setU32("tick_ns", 1));
            assertTrue(size.getMessage().contains("8 bytes"), size.getMessage());
        }
    }

    @Test
    void aRingSizeThatIsNotAPowerOfTwoIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> KernelConfig.builder().ringBytes(5000).build());
    }
}
