package dev.funnel.collector.bpf;

import java.util.List;

/**
 * The concerns Funnel observes, each a group of programs enabled together. fd_burst has no
 * fixed programs: its hook depends on the kernel and on what the user accepts to pay
 * ({@link FdBurstHook}); slow_request's send hook on the kernel ({@link SendHook});
 * {@link HookPlan} decides.
 */
public enum Sensor {
    PROCESS("handle_fork", "handle_exec", "handle_exit"),
    /** Its send hook is chosen at start ({@link SendHook}). */
    SLOW_REQUEST("tcp_state"),
    FD_BURST(),
    CONNECT_BURST("tcp_state"),
    /** On-CPU stacks: a perf event per CPU, not a hook (see KernelSource and profile.CpuProfiler). */
    CPU_PROFILE("sample_cpu"),
    /** Tests and benchmarks only: one record per getppid() of one process. */
    PROBE("probe_getppid");

    /** Not attached: the drain thread runs it four times per flush interval (see sweep.bpf.c). */
    public static final String SWEEP_PROGRAM = "sweep_bursts";

    private final List<String> programs;

    Sensor(String... programs) {
        this.programs = List.of(programs);
    }

    /** Its programs whatever the kernel (not the hooks chosen at start: fd_burst's, slow_request's send). */
    public List<String> programs() {
        return programs;
    }

    /** The config name: process, slow_request, fd_burst, connect_burst, cpu_profile, probe. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
