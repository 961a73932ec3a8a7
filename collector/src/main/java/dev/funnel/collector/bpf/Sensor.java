package dev.funnel.collector.bpf;

import java.util.List;

/** The concerns Funnel observes, each a group of programs that are enabled together. */
public enum Sensor {
    PROCESS("handle_fork", "handle_exec", "handle_exit"),
    SLOW_REQUEST("track_server_conn", "request_start", "request_end"),
    FD_BURST("count_openat", "count_openat2", "count_open_legacy"),
    CONNECT_BURST("count_connect"),
    /** Tests and benchmarks only: one record per getppid() of one process. */
    PROBE("probe_getppid");

    /** Not attached: the drain thread runs it four times per flush interval (see sweep.bpf.c). */
    public static final String SWEEP_PROGRAM = "sweep_bursts";

    private final List<String> programs;

    Sensor(String... programs) {
        this.programs = List.of(programs);
    }

    public List<String> programs() {
        return programs;
    }

    /** The config name: process, slow_request, fd_burst, connect_burst, probe. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
