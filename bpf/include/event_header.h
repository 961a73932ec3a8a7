/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_EVENT_HEADER_H
#define FUNNEL_EVENT_HEADER_H

/*
 * Every record in the ring buffer starts with struct event_header. The Java decoder
 * (dev.funnel.collector.event.RecordLayout) mirrors these structs, and RecordLayoutTest
 * compares it against the BTF of the built funnel.bpf.o, so a change here fails the build
 * until Java follows.
 *
 * Units: every *_ns field is CLOCK_BOOTTIME nanoseconds (bpf_ktime_get_boot_ns), which the
 * collector converts to wall-clock time with the boot offset.
 */

enum funnel_event_type {
	FUNNEL_EV_FORK = 1,         /* struct fork_event */
	FUNNEL_EV_EXEC = 2,         /* struct exec_event */
	FUNNEL_EV_EXIT = 3,         /* struct exit_event */
	FUNNEL_EV_BURST = 4,        /* struct burst_event: aggregated counts of a hot key */
	FUNNEL_EV_SLOW_REQUEST = 5, /* struct slow_request_event */
	FUNNEL_EV_PROBE = 6,        /* struct event_header only: benchmark/test probe */
	FUNNEL_EV_CPU_PROFILE = 7,  /* never a ring record: on-CPU samples of a process, from maps */
	FUNNEL_EV_TYPE_MAX = 8,
};

#define FUNNEL_COMM_LEN 16

/* 72 bytes. Describes the task that was current when the event happened. */
struct event_header {
	__u64 ts_ns;           /* when the event happened */
	__u64 start_ns;        /* start of the process (group leader); (pid, start_ns) survives PID reuse */
	__u64 parent_start_ns; /* start of the real parent: (ppid, parent_start_ns) names the parent */
	__u64 cgroup_id;       /* cgroup v2 id: the inode number of the cgroup's directory */
	__u32 type;      /* enum funnel_event_type */
	__u32 pid;       /* thread group id: what user space calls the PID */
	__u32 tid;       /* thread id */
	__u32 ppid;      /* real parent's thread group id */
	__u32 uid;       /* real uid */
	__u32 exec_seq;  /* execs of the process so far: a new value says its image changed */
	char comm[FUNNEL_COMM_LEN];
};

#endif /* FUNNEL_EVENT_HEADER_H */
