// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fd-open bursts: successful opens counted per process and bucket in the kernel; only a
 * process that passes fd_pre_threshold opens in one bucket produces (aggregated) records.
 *
 * Two hooks, one loaded (the collector decides at start, see FdBurstHook):
 *   - fexit/do_sys_openat2, where the kernel allows trampolines (most distribution kernels):
 *     it costs the opens, nothing else;
 *   - the openat/openat2/open syscall exit tracepoints, everywhere else. While any syscall
 *     tracepoint is attached, every task of the host takes the slow syscall entry and exit
 *     path, whatever syscall it makes (measured here: getpid-class syscalls lose ~8%), so the
 *     collector only loads them when the user accepts that (fd.burst.hook = syscalls).
 */
#include "funnel.h"
#include "burst.h"

/* Opens per process and bucket before its counts leave the kernel. */
const volatile __u32 fd_pre_threshold = 64;

static __always_inline int count_open(void *ctx, long ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct burst_key key = { .tgid = tgid, .kind = BURST_FD_OPEN };

	if (ret < 0 || is_ignored(tgid))
		return 0;
	burst_count(ctx, &key, fd_pre_threshold, false, 0);
	return 0;
}

SEC("fexit/do_sys_openat2")
int BPF_PROG(count_open_fexit, int dfd, const char *filename, struct open_how *how, long ret)
{
	return count_open(ctx, ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int count_openat(struct trace_event_raw_sys_exit *ctx)
{
	return count_open(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int count_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return count_open(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_open")
int count_open_legacy(struct trace_event_raw_sys_exit *ctx)
{
	return count_open(ctx, ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
