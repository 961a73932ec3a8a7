package dev.funnel.collector.bpf;

/** The kernel's boot clock, which BPF timestamps use (bpf_ktime_get_boot_ns), and its tick. */
public final class Clocks {
    private Clocks() {}

    /** CLOCK_REALTIME - CLOCK_BOOTTIME now, in ns: add it to a boot-clock time to get wall-clock time. */
    public static long bootToWallOffsetNs() {
        NativeLoader.ensureLoaded();
        return NativeBpf.bootClockOffsetNs();
    }

    /** CLOCK_BOOTTIME now, ns. */
    public static long bootNowNs() {
        NativeLoader.ensureLoaded();
        return NativeBpf.bootClockNowNs();
    }

    /**
     * The kernel's tick (1 s / CONFIG_HZ), ns: slow requests are timed in ticks, the unit the
     * kernel keeps a TCP connection's last receive in (slow_request.bpf.c). It is the coarse
     * clocks' resolution, which any process may ask for.
     */
    public static long tickNs() {
        NativeLoader.ensureLoaded();
        long ns = NativeBpf.tickNs();
        if (ns <= 0 || ns > 1_000_000_000L) {
            throw new IllegalStateException("slow_request times requests in kernel ticks, and this kernel gave "
                    + ns + " ns as a tick (clock_getres(CLOCK_MONOTONIC_COARSE)); drop slow_request from sensors");
        }
        return ns;
    }
}
