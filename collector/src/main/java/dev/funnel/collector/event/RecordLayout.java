package dev.funnel.collector.event;

import static dev.funnel.collector.event.StructLayout.struct;

import java.util.List;

/**
 * The ring buffer records, mirroring bpf/include/*_event.h member by member. A change to a C
 * header must be made here too; RecordLayoutTest fails the build until it is.
 */
public final class RecordLayout {
    public static final int COMM_LEN = 16;
    public static final int PATH_LEN = 256;
    public static final int ARGS_LEN = 256;

    /** enum funnel_event_type. */
    public static final int TYPE_FORK = 1;
    public static final int TYPE_EXEC = 2;
    public static final int TYPE_EXIT = 3;
    public static final int TYPE_BURST = 4;
    public static final int TYPE_SLOW_REQUEST = 5;
    public static final int TYPE_PROBE = 6;
    /** Never a ring record: the profiler's events, built from the cpu_samples map. */
    public static final int TYPE_CPU_PROFILE = 7;
    public static final int TYPE_MAX = 8;

    /** enum emit_stat in funnel.h: the emit_stats map is indexed type * EMIT_STAT_MAX + stat. */
    public static final int STAT_ATTEMPTS = 0;
    public static final int STAT_DROPS = 1;
    public static final int STAT_DROPPED_EVENTS = 2;
    public static final int STAT_UNTRACKED = 3;
    public static final int STAT_MAX = 4;

    public static final StructLayout EVENT_HEADER = struct("event_header")
            .u64("ts_ns").u64("start_ns").u64("parent_start_ns").u64("cgroup_id")
            .u32("type").u32("pid").u32("tid").u32("ppid").u32("uid").u32("exec_seq")
            .u8s("comm", COMM_LEN)
            .build();

    public static final StructLayout FORK_EVENT = struct("fork_event")
            .struct("hdr", EVENT_HEADER).u32("child_pid").u32("reserved")
            .build();

    public static final StructLayout EXEC_EVENT = struct("exec_event")
            .struct("hdr", EVENT_HEADER).u32("old_pid").u16("filename_len").u16("args_len")
            .u8s("filename", PATH_LEN).u8s("args", ARGS_LEN)
            .build();

    public static final StructLayout EXIT_EVENT = struct("exit_event")
            .struct("hdr", EVENT_HEADER).u64("lifetime_ns").u32("exit_code").u32("open_fds").u32("nofile_limit")
            .u32("reserved")
            .build();

    public static final StructLayout BURST_EVENT = struct("burst_event")
            .struct("hdr", EVENT_HEADER).u32("kind").u32("count").u64("first_ns").u64("last_ns")
            .u32("bucket_count").u16("family").u16("dport").u8s("daddr", 16).u32("subject").u32("stack_id")
            .build();

    public static final StructLayout SLOW_REQUEST_EVENT = struct("slow_request_event")
            .struct("hdr", EVENT_HEADER).u64("duration_ns").u64("request_start_ns")
            .u16("family").u16("lport").u16("rport").u16("reserved").u8s("raddr", 16)
            .build();

    /** cpu_sample.h: the key and value of the cpu_samples map (stack ids are signed: -errno). */
    public static final StructLayout CPU_SAMPLE_KEY = struct("cpu_sample_key")
            .u32("pid").u32("user_stack").u32("kernel_stack").u32("pad")
            .build();

    public static final StructLayout CPU_SAMPLE_VALUE = struct("cpu_sample_value")
            .u64("samples").struct("last", EVENT_HEADER)
            .build();

    /** Frames per stack in the cpu_stacks map (CPU_STACK_DEPTH). */
    public static final int CPU_STACK_DEPTH = 32;
    /** Frames per stack in the burst_stacks map (BURST_STACK_DEPTH in burst.h). */
    public static final int BURST_STACK_DEPTH = 32;

    /** enum cpu_sample_stat: indexes of the cpu_sample_stats map. */
    public static final int CPU_STAT_SAMPLES = 0;
    public static final int CPU_STAT_STACK_COLLISION = 1;
    public static final int CPU_STAT_STACK_FULL = 2;
    public static final int CPU_STAT_UNTRACKED = 3;

    public static final List<StructLayout> ALL = List.of(
            EVENT_HEADER, FORK_EVENT, EXEC_EVENT, EXIT_EVENT, BURST_EVENT, SLOW_REQUEST_EVENT, CPU_SAMPLE_KEY,
            CPU_SAMPLE_VALUE);

    private RecordLayout() {}
}
