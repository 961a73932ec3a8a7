package dev.funnel.collector.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Slow requests are timed in kernel ticks: how long one is, read or measured. */
class KernelTicksTest {
    @Test
    void readsTheTickRateFromTheKernelsBuildConfiguration() {
        assertEquals(250, KernelTicks.fromConfig("CONFIG_HZ_250=y\n# CONFIG_HZ_1000 is not set\nCONFIG_HZ=250\n"));
        assertNull(KernelTicks.fromConfig("CONFIG_HZ_PERIODIC=y\n"), "no CONFIG_HZ line, no rate");
    }

    @Test
    void aMeasuredRateRoundsToOneLinuxOffers() {
        assertEquals(250, KernelTicks.nearestRate(247.9));
        assertEquals(300, KernelTicks.nearestRate(291));
        assertEquals(1000, KernelTicks.nearestRate(985));
        assertEquals(100, KernelTicks.nearestRate(101));
    }

    @Test
    void thisKernelsTickIsOneOfThem() {
        long ns = KernelTicks.tickNs();
        assertTrue(java.util.Arrays.stream(KernelTicks.RATES).anyMatch(r -> 1_000_000_000L / r == ns), "tick " + ns + " ns");
    }
}
