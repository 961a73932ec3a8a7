package dev.funnel.collector.bpf;

/** The kernel's boot clock, which BPF timestamps use (bpf_ktime_get_boot_ns). */
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
}
