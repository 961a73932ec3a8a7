package dev.funnel.collector.bpf;

import java.util.List;
import java.util.Locale;

/**
 * How fd-open bursts are hooked, the one signal this collector can only get at a price on
 * some kernels (config key fd.burst.hook):
 * <ul>
 *   <li>FENTRY: fexit/do_sys_openat2, a trampoline that costs the opens only; many kernels
 *       refuse trampolines (this project's CI kernel does);
 *   <li>SYSCALLS: the open syscalls' exit tracepoints, which work everywhere but put every task
 *       of the host on the slow syscall path while attached (measured: getpid-class syscalls
 *       ~8% slower, bench/host-overhead.sh);
 *   <li>AUTO (the default): FENTRY where the kernel allows it, else off, saying why;
 *   <li>OFF.
 * </ul>
 */
public enum FdBurstHook {
    AUTO(),
    FENTRY("count_open_fexit"),
    SYSCALLS("count_openat", "count_openat2", "count_open_legacy"),
    OFF();

    private final List<String> programs;

    FdBurstHook(String... programs) {
        this.programs = List.of(programs);
    }

    public List<String> programs() {
        return programs;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FdBurstHook of(String configName) {
        return valueOf(configName.trim().toUpperCase(Locale.ROOT));
    }
}
