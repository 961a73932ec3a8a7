package dev.funnel.collector.bpf;

/**
 * How the cpu_profile sensor samples and reports (cpu_sample.bpf.c, profile.CpuProfiler).
 *
 * @param sampleHz    samples per second per CPU (the cpu-clock event fires every 1/sampleHz s of
 *                    CPU time); 49 by default, off-beat with 100/250/1000 Hz timers
 * @param intervalNs  how often the collector takes the kernel's counts
 * @param reportShare a process with at least this share of one core in an interval is reported
 *                    (0.2 = 20% of a core); quieter ones leave nothing
 * @param topStacks   stacks named per reported process, busiest first
 */
public record CpuSampling(int sampleHz, long intervalNs, double reportShare, int topStacks) {
    public static final CpuSampling DEFAULTS = new CpuSampling(49, 1_000_000_000L, 0.2, 5);

    public CpuSampling {
        if (sampleHz < 1 || sampleHz > 1000) {
            throw new IllegalArgumentException("sample rate " + sampleHz + " Hz is not between 1 and 1000");
        }
        if (intervalNs < 100_000_000L) {
            throw new IllegalArgumentException("interval " + intervalNs + " ns is shorter than 100 ms");
        }
    }

    /** The cpu-clock event's period: CPU time between two samples on one CPU. */
    public long periodNs() {
        return 1_000_000_000L / sampleHz;
    }
}
