/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FUNNEL_CPU_SAMPLE_H
#define FUNNEL_CPU_SAMPLE_H
#include "event_header.h"

/*
 * On-CPU samples, aggregated in the kernel (cpu_sample.bpf.c): never a ring record per
 * sample. The collector takes (reads and deletes) every entry of cpu_samples once per
 * interval, and the stacks its entries name from cpu_stacks. Mirrored by
 * dev.funnel.collector.profile.SampleLayout; RecordLayoutTest checks it against the BTF.
 */

/* Frames kept per stack: deeper frames are cut (the leaf frames are what names a hot spot).
 * cpu_stacks' value size is this times 8. */
#define CPU_STACK_DEPTH 32

/* What a sample is counted under. A stack id below 0 is -errno from bpf_get_stackid:
 * -EFAULT for no user stack (a kernel thread), -EEXIST for a hash collision (counted). */
struct cpu_sample_key {
	__u32 pid;          /* thread group id */
	__s32 user_stack;   /* id in cpu_stacks */
	__s32 kernel_stack; /* id in cpu_stacks */
	__u32 pad;
};

/* 80 bytes. */
struct cpu_sample_value {
	__u64 samples;             /* samples under this key since the collector last took it */
	struct event_header last;  /* the task of the latest such sample (type FUNNEL_EV_CPU_PROFILE) */
};

/* Indexes of cpu_sample_stats (per CPU, summed by the collector). */
enum cpu_sample_stat {
	CPU_STAT_SAMPLES = 0,         /* samples of a process (idle and the collector not included) */
	CPU_STAT_STACK_COLLISION = 1, /* a stack lost to a hash collision in cpu_stacks */
	CPU_STAT_STACK_FULL = 2,      /* a stack lost for another reason (map full, unreadable) */
	CPU_STAT_UNTRACKED = 3,       /* samples not counted: cpu_samples was full */
	CPU_STAT_MAX = 4,
};

#endif /* FUNNEL_CPU_SAMPLE_H */
