package dev.funnel.collector.bpf;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The kernel stage's settings, applied to the object before load. Each threshold is a
 * {@code const volatile} global of the same name in bpf/src, so the verifier treats it as a
 * constant; {@link #applyTo} fails with the name of any that does not exist.
 *
 * @param ringBytes           ring buffer size, a power of 2 and a multiple of the page size
 * @param wakeupBytes         the kernel wakes the consumer each time pending data crosses a multiple
 *                            of this (a power of 2)
 * @param bucketNs            burst counting bucket
 * @param flushNs             a hot key's counts leave the kernel at most this often
 * @param procPreThreshold    fork/exec/exit records per parent and bucket before aggregation
 * @param shortLivedNs        children younger than this at exit count as short-lived
 * @param fdPreThreshold      opens per process and bucket before counts leave the kernel
 * @param connectPreThreshold connects per process, destination and bucket, likewise
 * @param slowRequestNs       requests slower than this leave the kernel
 * @param ignoredPorts        local ports whose requests are never timed (long-poll servers),
 *                            at most {@value #PORTS_MAX}
 * @param timedPorts          if not empty, the only local ports whose requests are timed (at most
 *                            {@value #PORTS_MAX}): other accepted connections cost no storage
 * @param probeTgid           the process whose getppid() the PROBE sensor records
 * @param ignoreTgid          a process never observed (the collector itself)
 * @param sensors             which program groups load
 * @param fdBurstHook         how fd_burst is hooked (see {@link FdBurstHook})
 * @param sendHook            slow_request's send hook; null (the default): the cheapest this
 *                            kernel has ({@link SendHook#forKernel}). Tests and benchmarks force one
 * @param hotKeysMax          the sweeper's work list: burst keys hot at once before it falls back
 *                            to walking the whole bursts map (tests make it tiny)
 * @param cpuSampling         the cpu_profile sensor's rate and reporting
 */
public record KernelConfig(
        int ringBytes,
        long wakeupBytes,
        long bucketNs,
        long flushNs,
        int procPreThreshold,
        long shortLivedNs,
        int fdPreThreshold,
        int connectPreThreshold,
        long slowRequestNs,
        List<Integer> ignoredPorts,
        List<Integer> timedPorts,
        int probeTgid,
        int ignoreTgid,
        Set<Sensor> sensors,
        FdBurstHook fdBurstHook,
        SendHook sendHook,
        int hotKeysMax,
        CpuSampling cpuSampling) {

    public static final String RING_MAP = "events";
    public static final String STATS_MAP = "emit_stats";
    /** The sweeper's work list of hot burst keys (burst.h). */
    public static final String HOT_KEYS_MAP = "hot_keys";
    /** Slots of ignored_lports and timed_lports in tcp_state.bpf.c. */
    public static final int PORTS_MAX = 8;

    public static KernelConfig defaults() {
        return builder().build();
    }

    public KernelConfig {
        if (ringBytes < 4096 || Integer.bitCount(ringBytes) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of 2 >= 4096, not " + ringBytes);
        }
        if (Long.bitCount(wakeupBytes) != 1) { // the kernel tests crossings with a mask
            throw new IllegalArgumentException("wake-up mark must be a power of 2, not " + wakeupBytes);
        }
        ignoredPorts = portList(ignoredPorts);
        timedPorts = portList(timedPorts);
        sensors = Set.copyOf(sensors);
    }

    private static List<Integer> portList(List<Integer> ports) {
        if (ports.size() > PORTS_MAX || ports.stream().anyMatch(p -> p < 1 || p > 65535)) {
            throw new IllegalArgumentException("at most " + PORTS_MAX + " ports from 1 to 65535, not " + ports);
        }
        return List.copyOf(ports);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.ringBytes = ringBytes;
        b.wakeupBytes = wakeupBytes;
        b.bucketNs = bucketNs;
        b.flushNs = flushNs;
        b.procPreThreshold = procPreThreshold;
        b.shortLivedNs = shortLivedNs;
        b.fdPreThreshold = fdPreThreshold;
        b.connectPreThreshold = connectPreThreshold;
        b.slowRequestNs = slowRequestNs;
        b.ignoredPorts = ignoredPorts;
        b.timedPorts = timedPorts;
        b.probeTgid = probeTgid;
        b.ignoreTgid = ignoreTgid;
        b.sensors = EnumSet.copyOf(sensors.isEmpty() ? EnumSet.noneOf(Sensor.class) : sensors);
        b.fdBurstHook = fdBurstHook;
        b.sendHook = sendHook;
        b.hotKeysMax = hotKeysMax;
        b.cpuSampling = cpuSampling;
        return b;
    }

    /** Defaults: 8 MiB ring, wake-up at 64 KiB, 1 s buckets, 250 ms flushes, the PROBE sensor off. */
    public static final class Builder {
        private int ringBytes = 8 << 20;
        private long wakeupBytes = 64 << 10;
        private long bucketNs = 1_000_000_000L;
        private long flushNs = 250_000_000L;
        private int procPreThreshold = 8;
        private long shortLivedNs = 2_000_000_000L;
        private int fdPreThreshold = 64;
        private int connectPreThreshold = 16;
        private long slowRequestNs = 500_000_000L;
        private List<Integer> ignoredPorts = List.of(9092);
        private List<Integer> timedPorts = List.of();
        private int probeTgid;
        private int ignoreTgid = (int) ProcessHandle.current().pid();
        private Set<Sensor> sensors = EnumSet.complementOf(EnumSet.of(Sensor.PROBE));
        private FdBurstHook fdBurstHook = FdBurstHook.AUTO;
        private SendHook sendHook;
        private int hotKeysMax = 512;
        private CpuSampling cpuSampling = CpuSampling.DEFAULTS;

        public Builder ringBytes(int v) { ringBytes = v; return this; }
        public Builder wakeupBytes(long v) { wakeupBytes = v; return this; }
        public Builder bucketNs(long v) { bucketNs = v; return this; }
        public Builder flushNs(long v) { flushNs = v; return this; }
        public Builder procPreThreshold(int v) { procPreThreshold = v; return this; }
        public Builder shortLivedNs(long v) { shortLivedNs = v; return this; }
        public Builder fdPreThreshold(int v) { fdPreThreshold = v; return this; }
        public Builder connectPreThreshold(int v) { connectPreThreshold = v; return this; }
        public Builder slowRequestNs(long v) { slowRequestNs = v; return this; }
        public Builder ignoredPorts(List<Integer> v) { ignoredPorts = v; return this; }
        public Builder timedPorts(List<Integer> v) { timedPorts = v; return this; }
        public Builder probeTgid(int v) { probeTgid = v; return this; }
        public Builder ignoreTgid(int v) { ignoreTgid = v; return this; }
        public Builder sensors(Set<Sensor> v) { sensors = v; return this; }
        public Builder fdBurstHook(FdBurstHook v) { fdBurstHook = v; return this; }
        public Builder sendHook(SendHook v) { sendHook = v; return this; }
        public Builder hotKeysMax(int v) { hotKeysMax = v; return this; }
        public Builder cpuSampling(CpuSampling v) { cpuSampling = v; return this; }

        public KernelConfig build() {
            return new KernelConfig(ringBytes, wakeupBytes, bucketNs, flushNs, procPreThreshold, shortLivedNs,
                    fdPreThreshold, connectPreThreshold, slowRequestNs, ignoredPorts, timedPorts, probeTgid, ignoreTgid, sensors,
                    fdBurstHook, sendHook, hotKeysMax, cpuSampling);
        }
    }

    /** The programs this configuration loads on this kernel (asks the kernel about trampolines if it must). */
    public HookPlan plan() {
        return HookPlan.of(sensors, fdBurstHook, TrampolineProbe::refusal,
                () -> sendHook != null ? sendHook : SendHook.forKernel(KernelBtf::hasTracepoint));
    }

    /** Sets every constant and the ring size, and loads only the programs of the plan. */
    public void applyTo(BpfObject obj, HookPlan plan) {
        obj.setU32("ignore_tgid", ignoreTgid);
        obj.setU64("wakeup_bytes", wakeupBytes);
        obj.setU64("bucket_ns", bucketNs);
        obj.setU64("flush_ns", flushNs);
        obj.setU32("proc_pre_threshold", procPreThreshold);
        obj.setU64("short_lived_ns", shortLivedNs);
        obj.setU32("fd_pre_threshold", fdPreThreshold);
        obj.setU32("connect_pre_threshold", connectPreThreshold);
        if (plan.trackServers()) {
            // Timed in kernel ticks: strictly more than the threshold's ticks, so never a faster request.
            long tick = Clocks.tickNs();
            obj.setU64("tick_ns", tick);
            obj.setU32("slow_request_ticks", (int) ((slowRequestNs + tick - 1) / tick));
        }
        obj.setU16Array("ignored_lports", PORTS_MAX, ignoredPorts);
        obj.setU16Array("timed_lports", PORTS_MAX, timedPorts);
        obj.setU32("probe_tgid", probeTgid);
        obj.setBool("count_connects", plan.countConnects());
        obj.setBool("track_servers", plan.trackServers());
        obj.setMapSize(RING_MAP, ringBytes);
        obj.setMapSize(HOT_KEYS_MAP, hotKeysMax);
        for (BpfObject.Program p : obj.programs()) {
            if (p.attachable()) {
                obj.setAutoload(p.name(), plan.programNames().contains(p.name()));
            }
        }
    }
}
