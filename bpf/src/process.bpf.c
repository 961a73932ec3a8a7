// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process lifecycle: fork, exec and exit, rate-limited per parent so a storm becomes a few
 * burst records instead of one record per process. Hooks are BTF tracepoints (tp_btf), the
 * cheapest hook this kernel allows (fentry/kprobes are not available here).
 */
#include "funnel.h"
#include "burst.h"
#include "fork_event.h"
#include "exec_event.h"
#include "exit_event.h"

/* Singles per parent and bucket before fork/exec/exit records are aggregated. */
const volatile __u32 proc_pre_threshold = 8;
/* A child that exits younger than this counts as short-lived (job-flood detection). */
const volatile __u64 short_lived_ns = 2000000000ULL;

static __always_inline bool parent_burst(__u32 parent_tgid, __u32 kind)
{
	struct burst_key key = { .tgid = parent_tgid, .kind = kind };

	return burst_count(&key, proc_pre_threshold, true, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct fork_event *rec;
	__u32 tgid = parent->tgid;

	/* Threads (CLONE_THREAD) share the parent's tgid: only new processes count. */
	if (child->pid != child->tgid || is_ignored(tgid))
		return 0;
	if (!parent_burst(tgid, BURST_FORK))
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

	if (is_ignored(task->tgid) || !parent_burst(task->real_parent->tgid, BURST_CHILD_EXEC))
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

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	struct exit_event *rec;
	__u64 now, start, lifetime;

	/* One record per process: only when its last thread exits; never for kernel threads. */
	if (task->flags & PF_KTHREAD || BPF_CORE_READ(task, signal, live.counter) != 0 ||
	    is_ignored(task->tgid))
		return 0;
	now = bpf_ktime_get_boot_ns();
	start = BPF_CORE_READ(task, group_leader, start_boottime);
	lifetime = now - start;
	if (lifetime < short_lived_ns &&
	    !parent_burst(task->real_parent->tgid, BURST_CHILD_SHORT_EXIT))
		return 0;
	rec = emit_reserve(FUNNEL_EV_EXIT, sizeof(*rec), 1);
	if (!rec)
		return 0;
	fill_header(&rec->hdr, FUNNEL_EV_EXIT, now);
	rec->lifetime_ns = lifetime;
	rec->exit_code = task->exit_code;
	rec->reserved = 0;
	emit_submit(rec, sizeof(*rec));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
