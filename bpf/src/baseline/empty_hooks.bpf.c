// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Not part of funnel.bpf.o, and never loaded by the collector: empty programs on the hooks
 * Funnel's busiest programs use, for bench/host-overhead.sh. The kernel's per-program
 * accounting (kernel.bpf_stats_enabled) times each run between two clock reads, and on a
 * virtual machine those reads are a large part of a short program's figure. An empty program
 * on the same hook, run in the same workload, measures that floor: a Funnel program's own
 * cost is its ns per run minus its hook's floor. (The hook's dispatch before the program
 * starts is in neither figure.) Names: "empty_" and a short form of the Funnel program's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(empty_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(empty_send, struct sock *sk, int ret, int flags)
{
	return 0;
}

/* tcp:tcp_sendmsg_locked is in kernels >= 6.16 only: on older ones this object does not load. */
SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(empty_tcp_send, struct sock *sk, struct msghdr *msg, struct sk_buff *skb, int size_goal)
{
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(empty_fork, struct task_struct *parent, struct task_struct *child)
{
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(empty_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(empty_exit, struct task_struct *p)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
