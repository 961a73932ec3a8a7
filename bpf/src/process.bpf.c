// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process lifecycle: fork, exec and exit, rate-limited per parent so a storm becomes a few
 * burst records instead of one record per process. Hooks are BTF tracepoints (tp_btf): no
 * trace record is marshalled before they run. Besides the per-parent keys:
 *   - forks are also counted per session within a cgroup (GROUP_FORK): a fork bomb spreads
 *     its forks over the whole tree, two per process, and no single process ever crosses a
 *     per-process threshold;
 *   - exec bumps the process's exec_seq (funnel.h), so context stays right when execs are
 *     aggregated;
 *   - a short-lived child that failed is also counted as a CHILD_FAILED_EXIT when its exit
 *     went into an aggregate (otherwise its own exit record carries the exit code);
 *   - an exit holding most of its descriptor limit is always sent on its own, with the
 *     numbers: the mark of a descriptor leak that ran into EMFILE.
 */
#include "funnel.h"
#include "burst.h"
#include "fork_event.h"
#include "exec_event.h"
#include "exit_event.h"

/* Singles per parent and bucket before fork/exec/exit records are aggregated. */
const volatile __u32 proc_pre_threshold = 8;
/* Forks per session and cgroup and bucket before their counts leave the kernel. */
const volatile __u32 group_pre_threshold = 64;
/* An exit holding at least this share (percent) of its RLIMIT_NOFILE, of a limit of at least
 * fd_heavy_min_limit, is sent on its own with its descriptor numbers. */
const volatile __u32 fd_heavy_percent = 90;
const volatile __u32 fd_heavy_min_limit = 256;

#define RLIMIT_NOFILE 7
/* A child that exits younger than this counts as short-lived (job-flood detection). */
const volatile __u64 short_lived_ns = 2000000000ULL;

/* ctx: the program's context when the current task is the parent (its forks), else NULL. */
static __always_inline bool parent_burst(void *ctx, __u32 parent_tgid, __u32 kind)
{
	struct burst_key key = { .tgid = parent_tgid, .kind = kind };

	return burst_count(ctx, &key, proc_pre_threshold, true, 0);
}

/* Forks of the session the parent belongs to, within its cgroup: the tree's storm. */
static __always_inline void group_burst(struct task_struct *parent)
{
	struct burst_key key = { .kind = BURST_GROUP_FORK };
	__u64 cgroup = bpf_get_current_cgroup_id(); /* current is the parent */

	key.tgid = BPF_CORE_READ(parent, signal, pids[PIDTYPE_SID], numbers[0].nr);
	__builtin_memcpy(key.addr, &cgroup, sizeof(cgroup));
	burst_count(NULL, &key, group_pre_threshold, false, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct fork_event *rec;
	__u32 tgid = parent->tgid;

	/* Threads (CLONE_THREAD) share the parent's tgid: only new processes count. */
	if (child->pid != child->tgid || is_ignored(tgid))
		return 0;
	group_burst(parent);
	if (!parent_burst(ctx, tgid, BURST_FORK))
		return 0;
	rec = emit_reserve(FUNNEL_EV_FORK, sizeof(*rec), 1);
	if (!rec)
		return 0;
	fill_header(&rec->hdr, FUNNEL_EV_FORK, bpf_ktime_get_boot_ns());
	rec->child_pid = child->tgid;
	rec->reserved = 0;
	emit_submit(rec, sizeof(*rec));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct exec_event *rec;
	struct mm_struct *mm;
	unsigned long arg_start, arg_end;
	long len;
	__u32 *seq;

	/* The exec'ing task is its group's leader now (de_thread ran): the seq lives with it. */
	seq = bpf_task_storage_get(&exec_seqs, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (seq)
		__sync_fetch_and_add(seq, 1);
	if (is_ignored(task->tgid) || !parent_burst(NULL, task->real_parent->tgid, BURST_CHILD_EXEC))
		return 0;
	rec = emit_reserve(FUNNEL_EV_EXEC, sizeof(*rec), 1);
	if (!rec)
		return 0;
	fill_header(&rec->hdr, FUNNEL_EV_EXEC, bpf_ktime_get_boot_ns());
	rec->old_pid = old_pid;
	len = bpf_probe_read_kernel_str(rec->filename, sizeof(rec->filename), bprm->filename);
	rec->filename_len = len > 0 ? len - 1 : 0;

	/* argv is already in the new image's memory: NUL-separated between arg_start and arg_end. */
	mm = task->mm;
	arg_start = BPF_CORE_READ(mm, arg_start);
	arg_end = BPF_CORE_READ(mm, arg_end);
	len = arg_end - arg_start;
	if (len < 0)
		len = 0;
	else if (len > FUNNEL_ARGS_LEN - 1)
		len = FUNNEL_ARGS_LEN - 1;
	len &= FUNNEL_ARGS_LEN - 1; /* a bound the verifier can see */
	if (len && bpf_probe_read_user(rec->args, len, (void *)arg_start))
		len = 0;
	rec->args_len = len;
	emit_submit(rec, sizeof(*rec));
	return 0;
}

/* A failed child whose exit went into its parent's CHILD_SHORT_EXIT aggregate. */
static __always_inline void failed_child(__u32 parent_tgid)
{
	struct burst_key key = { .tgid = parent_tgid, .kind = BURST_CHILD_FAILED_EXIT };

	burst_count(NULL, &key, 0, false, 0); /* no pre-threshold: every failure counts */
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	struct exit_event *rec;
	__u64 now, start, lifetime;
	__u32 open_fds, limit, parent;
	bool fd_heavy;

	/* One record per process: only when its last thread exits; never for kernel threads. */
	if (task->flags & PF_KTHREAD || BPF_CORE_READ(task, signal, live.counter) != 0 ||
	    is_ignored(task->tgid))
		return 0;
	now = bpf_ktime_get_boot_ns();
	start = BPF_CORE_READ(task, group_leader, start_boottime);
	lifetime = now - start;
	/* The file table is still there: exit_files() runs after this tracepoint. */
	open_fds = BPF_CORE_READ(task, files, next_fd);
	limit = BPF_CORE_READ(task, signal, rlim[RLIMIT_NOFILE].rlim_cur);
	fd_heavy = limit >= fd_heavy_min_limit && (__u64)open_fds * 100 >= (__u64)limit * fd_heavy_percent;
	parent = task->real_parent->tgid;
	if (lifetime < short_lived_ns && !fd_heavy && !parent_burst(NULL, parent, BURST_CHILD_SHORT_EXIT)) {
		if (task->exit_code)
			failed_child(parent);
		return 0;
	}
	rec = emit_reserve(FUNNEL_EV_EXIT, sizeof(*rec), 1);
	if (!rec)
		return 0;
	fill_header(&rec->hdr, FUNNEL_EV_EXIT, now);
	rec->lifetime_ns = lifetime;
	rec->exit_code = task->exit_code;
	rec->open_fds = open_fds;
	rec->nofile_limit = limit;
	rec->reserved = 0;
	emit_submit(rec, sizeof(*rec));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
