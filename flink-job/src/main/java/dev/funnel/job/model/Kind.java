package dev.funnel.job.model;

/** What an event record stands for: a single kernel event, or a kernel-aggregated burst. */
public enum Kind {
    FORK, EXEC, EXIT,
    FORK_BURST, CHILD_EXEC_BURST, CHILD_SHORT_EXIT_BURST, FD_OPEN_BURST, CONNECT_BURST,
    /** Forks anywhere in one session of one cgroup (subject: the session id). */
    GROUP_FORK_BURST,
    /** Short-lived children that failed, counted in the kernel (subject: their parent). */
    CHILD_FAILED_BURST,
    SLOW_REQUEST,
    /** On-CPU samples of one process over one collector interval (count: the samples). */
    CPU_PROFILE,
    OTHER
}
